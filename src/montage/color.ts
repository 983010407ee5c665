/**
 * Colour vocabulary shared by the montage helpers.
 *
 * @module
 */

/**
 * The order of the colour channels in a 3- or 4-channel frame: `"bgr"` for BGR/BGRA (OpenCV's
 * and NetGear's convention), `"rgb"` for RGB/RGBA. Gray frames have no order.
 */
export type ChannelOrder = "bgr" | "rgb";

/** A colour as `[red, green, blue]`, each an integer from 0 to 255, whatever the frame's order. */
export type RgbColor = readonly [red: number, green: number, blue: number];
