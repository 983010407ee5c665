/**
 * JPEG payload settings, as NetGear's `compression` header key carries them.
 *
 * @module
 */

// The colourspace names are the JPEG codec's; the codec layer owns the list.
import type { JpegColorspace } from "../codec/types.ts";

/**
 * The `compression` header object: `{"dct": bool, "ups": bool, "colorspace": "BGR"}`.
 * The receiver decodes the JPEG with these flags.
 */
export interface JpegSettings {
  /** Fast (less exact) DCT when decoding (simplejpeg `fastdct`). */
  readonly dct: boolean;
  /** Fast upsampling of chroma when decoding (simplejpeg `fastupsample`). */
  readonly ups: boolean;
  /** The colourspace to decode into; `"GRAY"` decodes to a 2-D frame. */
  readonly colorspace: JpegColorspace;
}

/** A JPEG-compressed frame: the JPEG bytes and how to decode them. */
export interface JpegPayload {
  /** The JPEG file bytes. */
  readonly bytes: Uint8Array;
  /** The decode settings written to the header's `compression` key. */
  readonly settings: JpegSettings;
}

/** vidgear's defaults: fast DCT on, fast upsampling off, BGR. */
export const DEFAULT_JPEG_SETTINGS: JpegSettings = Object.freeze({
  dct: true,
  ups: false,
  colorspace: "BGR",
});
