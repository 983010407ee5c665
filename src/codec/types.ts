/**
 * The JPEG codec contract shared by both implementations: colourspaces, options, and the
 * {@linkcode JpegCodec} interface.
 *
 * @module
 */

import type { Frame } from "../frame.ts";

/**
 * A frame channel layout a JPEG can be encoded from or decoded to: the colourspaces simplejpeg
 * (and so vidgear) accepts. The name gives the frame's channel layout: `BGR` is `[h, w, 3]`
 * blue-green-red (vidgear's default, OpenCV's order), `RGBX`…`ARGB` are 4-channel, `GRAY` is
 * `[h, w]`, `CMYK` is 4-channel ink.
 */
export type JpegColorspace =
  | "RGB"
  | "BGR"
  | "RGBX"
  | "BGRX"
  | "XBGR"
  | "XRGB"
  | "GRAY"
  | "RGBA"
  | "BGRA"
  | "ABGR"
  | "ARGB"
  | "CMYK";

/** Every {@linkcode JpegColorspace}, in simplejpeg's order. */
export const JPEG_COLORSPACES: readonly JpegColorspace[] = [
  "RGB",
  "BGR",
  "RGBX",
  "BGRX",
  "XBGR",
  "XRGB",
  "GRAY",
  "RGBA",
  "BGRA",
  "ABGR",
  "ARGB",
  "CMYK",
];

/**
 * Tells whether `value` is one of {@link JPEG_COLORSPACES} (exact, upper case), e.g. to check
 * the `colorspace` of a NetGear `compression` header.
 *
 * @example
 * ```ts
 * import { isJpegColorspace } from "./types.ts";
 * isJpegColorspace("BGR"); // true
 * isJpegColorspace("HSV"); // false
 * ```
 */
export function isJpegColorspace(value: unknown): value is JpegColorspace {
  return typeof value === "string" && (JPEG_COLORSPACES as readonly string[]).includes(value);
}

/** Options of {@linkcode JpegCodec.encode}, named after vidgear's `jpeg_compression_*`. */
export interface JpegEncodeOptions {
  /**
   * JPEG quality, 10 to 100; a fraction is truncated, as vidgear does.
   *
   * @default {90}
   */
  quality?: number;
  /**
   * The channel layout of the frame being encoded.
   *
   * @default {"BGR"}
   */
  colorspace?: JpegColorspace;
  /**
   * Use the fast, slightly less accurate forward DCT; `false` asks for the accurate one
   * (libjpeg-turbo only; imagescript always uses the accurate DCT).
   *
   * @default {true}
   */
  fastdct?: boolean;
  /**
   * Accepted so one settings object serves both directions; it has no effect on encoding,
   * as in vidgear. It travels in the NetGear header as `ups`.
   *
   * @default {false}
   */
  fastupsample?: boolean;
}

/** Options of {@linkcode JpegCodec.decode}. vidgear passes the header's colourspace here. */
export interface JpegDecodeOptions {
  /**
   * The channel layout of the decoded frame.
   *
   * @default {"BGR"}
   */
  colorspace?: JpegColorspace;
  /**
   * Use the fast, slightly less accurate inverse DCT (libjpeg-turbo only; imagescript
   * ignores it). vidgear passes its own setting OR the header's `dct`.
   *
   * @default {true}
   */
  fastdct?: boolean;
  /**
   * Use fast (non-smoothing) chroma upsampling (libjpeg-turbo only; imagescript ignores
   * it). vidgear passes its own setting OR the header's `ups`.
   *
   * @default {false}
   */
  fastupsample?: boolean;
}

/** Which implementation a {@linkcode JpegCodec} is. */
export type JpegCodecName = "libjpeg-turbo" | "imagescript";

/**
 * Encodes frames to JPEG and decodes JPEG to frames, with simplejpeg's semantics as vidgear
 * uses it: colour is written with 4:2:2 chroma subsampling, `GRAY` as a grayscale JPEG, and a
 * `GRAY` decode gives a 2-D `[h, w]` frame. Only `uint8` frames can be encoded.
 *
 * Calls are synchronous. A codec holds native state: `close()` it, or declare it with `using`.
 */
export interface JpegCodec extends Disposable {
  /** The implementation: `"libjpeg-turbo"` (FFI) or `"imagescript"` (fallback). */
  readonly name: JpegCodecName;

  /**
   * Encodes a `uint8` frame whose channels are laid out as `options.colorspace` says.
   *
   * @param frame `[h, w, 3]` for RGB/BGR, `[h, w, 4]` for the 4-channel layouts, `[h, w]`
   * or `[h, w, 1]` for GRAY.
   * @param options Quality, colourspace and DCT choice.
   * @returns A fresh buffer holding the JPEG file.
   * @throws {RangeError} When the quality is outside 10..100 or the shape does not fit the
   * colourspace.
   * @throws {TypeError} When the dtype is not uint8 or an option has the wrong type.
   * @throws {JpegError} When the codec fails, or cannot write this colourspace.
   */
  encode(frame: Frame, options?: JpegEncodeOptions): Uint8Array;

  /**
   * Decodes a JPEG into a `uint8` frame in `options.colorspace`'s layout.
   *
   * @param jpeg The JPEG file's bytes.
   * @param options Target colourspace and speed flags.
   * @returns `[h, w, 3]` for RGB/BGR, `[h, w, 4]` for the 4-channel layouts, `[h, w]` for GRAY.
   * @throws {JpegError} When the bytes are not a complete, valid JPEG, or cannot be converted
   * to the colourspace (e.g. a colour JPEG to CMYK).
   */
  decode(jpeg: Uint8Array, options?: JpegDecodeOptions): Frame;

  /** Releases native state. Safe to call twice; later `encode`/`decode` calls throw. */
  close(): void;
}
