/**
 * JPEG encode and decode of frames, wire-compatible with vidgear's NetGear (which uses
 * simplejpeg, i.e. libjpeg-turbo): colour is written with 4:2:2 chroma subsampling, `GRAY`
 * as a grayscale JPEG that decodes to a 2-D `[h, w]` frame, and the frame's channel layout
 * is named by a colourspace (`BGR` by default).
 *
 * Two implementations sit behind {@linkcode JpegCodec}: {@linkcode TurboJpegCodec}
 * (libjpeg-turbo through Deno FFI: Debian `libturbojpeg0`, Homebrew `jpeg-turbo`) and
 * {@linkcode ImageScriptCodec} (the fallback). {@linkcode jpegCodec} picks the first that
 * loads and reports it in `name`.
 *
 * Run with `--allow-ffi` (and `--allow-env=NETGEAR_LIBTURBOJPEG` to name libturbojpeg's file).
 *
 * @example Encode a BGR frame as NetGear does, and decode it
 * ```ts
 * import { createFrame } from "../frame.ts";
 * import { jpegCodec } from "./mod.ts";
 *
 * using codec = await jpegCodec();
 * const frame = createFrame(new Uint8Array(480 * 640 * 3).fill(90), [480, 640, 3]);
 * const jpeg = codec.encode(frame, { quality: 90, colorspace: "BGR", fastdct: true });
 * const back = codec.decode(jpeg, { colorspace: "BGR", fastdct: true, fastupsample: false });
 * console.log(codec.name, jpeg.byteLength, back.shape); // "libjpeg-turbo" … [480, 640, 3]
 * ```
 *
 * @module
 */

// The frame types the codec API names, so its documentation is complete.
export { type DType, DTYPE_SIZES, type Frame } from "../frame.ts";
export * from "./types.ts";
export * from "./errors.ts";
export * from "./jpeg_codec.ts";
export * from "./turbojpeg_codec.ts";
export * from "./imagescript_codec.ts";
