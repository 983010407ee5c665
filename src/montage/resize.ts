/**
 * Resizing a frame to an exact size, without preserving its aspect ratio.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import { checkPair, layoutOf } from "./_layout.ts";
import { checkInterpolation, resizePixels } from "./_resize.ts";

/**
 * How a resized pixel is computed: `"bilinear"` blends the four nearest source pixels as
 * OpenCV's default `INTER_LINEAR` does (smooth, what `imutils.build_montages` shows);
 * `"nearest"` copies the nearest one (2.5 to 5 times faster, blocky when shrinking).
 */
export type Interpolation = "bilinear" | "nearest";

/** Options for {@link resizeFrame}. */
export interface ResizeOptions {
  /**
   * How resized pixels are computed.
   *
   * @default {"bilinear"}
   */
  interpolation?: Interpolation;
}

/**
 * Resizes a uint8 image frame to exactly `width`×`height`, keeping its channel layout (gray,
 * BGR/RGB or BGRA/RGBA) and shape style. The aspect ratio is not preserved. Returns a new frame,
 * or a copy when the size is unchanged.
 *
 * @param frame A uint8 frame of shape `[h, w]`, `[h, w, 1]`, `[h, w, 3]` or `[h, w, 4]`.
 * @param size The new `[width, height]` in pixels (width first, as in OpenCV).
 * @param options How pixels are interpolated.
 * @returns The resized frame.
 * @throws {TypeError} When the frame is not uint8 or not a frame.
 * @throws {RangeError} When the shape is not an image's, the frame is empty, or the size is
 * not two positive integers.
 *
 * @example Halve a 640×480 BGR frame
 * ```ts
 * import { createFrame } from "../frame.ts";
 * import { resizeFrame } from "./resize.ts";
 *
 * const frame = createFrame(new Uint8Array(480 * 640 * 3), [480, 640, 3]);
 * const half = resizeFrame(frame, [320, 240]);
 * half.shape; // [240, 320, 3]
 * ```
 */
export function resizeFrame(
  frame: Frame,
  size: readonly [width: number, height: number],
  options: ResizeOptions = {},
): Frame {
  const action = "resize";
  const layout = layoutOf(frame, action);
  const [width, height] = checkPair(size, "size [width, height]", action);
  const interpolation = checkInterpolation(options.interpolation ?? "bilinear");
  if (layout.width === 0 || layout.height === 0) {
    throw new RangeError(
      `Cannot resize an empty frame of shape "${JSON.stringify(frame.shape)}": ` +
        "pass a frame with at least one pixel",
    );
  }
  const channels = layout.channels;
  const data = new Uint8Array(width * height * channels);
  resizePixels(
    { data: frame.data, width: layout.width, height: layout.height, channels },
    { data, offset: 0, stride: width * channels, width, height },
    interpolation,
  );
  const shape = layout.flat ? [height, width] : [height, width, channels];
  return { shape, dtype: "uint8", data };
}
