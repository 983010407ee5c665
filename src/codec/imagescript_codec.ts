/**
 * The imagescript codec: the fallback when libturbojpeg cannot be loaded.
 *
 * @module
 */

import { importImagescriptJpeg } from "../_deps/imagescript.ts";
import type { Frame } from "../frame.ts";
import {
  checkDecodedSize,
  checkJpegBytes,
  decodedShape,
  decodeSettings,
  encodeSettings,
  frameGeometry,
  LAYOUTS,
} from "./_options.ts";
import { JpegError, JpegLibraryError } from "./errors.ts";
import type { JpegCodec, JpegColorspace, JpegDecodeOptions, JpegEncodeOptions } from "./types.ts";

/** imagescript's native JPEG encoder (`codecs/node`): RGBA in, baseline 4:4:4 JPEG out. */
interface NativeJpegEncoder {
  encode(rgba: Uint8Array, options: { width: number; height: number; quality: number }): Uint8Array;
}

/** imagescript's WebAssembly JPEG decoder, as {@linkcode wasmDecoder} wraps it. */
interface WasmJpegDecoder {
  decode(jpeg: Uint8Array): {
    width: number;
    height: number;
    /** 0: gray (1 byte/pixel), 1: RGB (3), 2: CMYK (4). */
    format: number;
    buffer: Uint8Array;
  };
}

const DECODED_GRAY = 0;
const DECODED_RGB = 1;

// Private-constructor key: codecs come from ImageScriptCodec.create(), which loads the modules.
const token = Symbol("ImageScriptCodec");

/**
 * JPEG through imagescript 1.3.1, for when libjpeg-turbo is missing. It needs `--allow-ffi`
 * (imagescript's encoder is a native Node-API addon) and no other permission.
 *
 * It differs from libjpeg-turbo (and so from simplejpeg) in what it writes, not in what it
 * accepts or returns:
 * - it always writes baseline **4:4:4** JPEG with the accurate DCT: it cannot choose 4:2:2
 *   subsampling, and `fastdct`/`fastupsample` are ignored (larger files, same pixels);
 * - `GRAY` frames are written as a 3-component JPEG with equal R, G, B (any peer decodes it
 *   to gray as well);
 * - decoding to `GRAY` from a colour JPEG computes BT.601 luma, as libjpeg does;
 * - `CMYK` is refused both ways with a {@linkcode JpegError}, and so are CMYK JPEGs;
 * - a decode gives up on any corrupt or truncated stream, as libjpeg-turbo does here.
 *
 * It calls two modules of imagescript 1.3.1 (`codecs/node`, `wasm/node/jpeg.js`), the ones
 * its `Image.encodeJPEG` and `Image.decode` use, so that calls stay synchronous.
 *
 * @example Force the fallback codec
 * ```ts
 * import { createFrame } from "../frame.ts";
 * import { ImageScriptCodec } from "./imagescript_codec.ts";
 *
 * using codec = await ImageScriptCodec.create();
 * const frame = createFrame(new Uint8Array(48 * 64 * 3).fill(128), [48, 64, 3]);
 * const back = codec.decode(codec.encode(frame)); // shape [48, 64, 3], BGR
 * ```
 */
export class ImageScriptCodec implements JpegCodec {
  /** Always `"imagescript"`. */
  readonly name = "imagescript" as const;

  #encoder: NativeJpegEncoder;
  #decoder: WasmJpegDecoder | undefined;

  /**
   * Use {@linkcode ImageScriptCodec.create}.
   *
   * @param key The module's private key.
   * @param encoder imagescript's JPEG encoder.
   * @param decoder imagescript's JPEG decoder.
   */
  private constructor(key: symbol, encoder: NativeJpegEncoder, decoder: WasmJpegDecoder) {
    if (key !== token) throw new TypeError("Cannot construct ImageScriptCodec: use create()");
    this.#encoder = encoder;
    this.#decoder = decoder;
  }

  /**
   * Loads imagescript's encoder and decoder.
   *
   * @returns A ready codec.
   * @throws {JpegLibraryError} When imagescript cannot load (no `--allow-ffi`, unsupported
   * platform).
   */
  static async create(): Promise<ImageScriptCodec> {
    try {
      const [native, wasm] = await importImagescriptJpeg();
      const encoder = (native.default as { jpeg: NativeJpegEncoder }).jpeg;
      return new ImageScriptCodec(token, encoder, wasmDecoder(wasm));
    } catch (error) {
      throw new JpegLibraryError(
        `Cannot load the imagescript JPEG codec: ${(error as Error).message}; run with ` +
          `--allow-ffi (its encoder is a native addon)`,
        [],
        { cause: error },
      );
    }
  }

  /**
   * Encodes a `uint8` frame laid out as `options.colorspace` (BGR by default), as a 4:4:4
   * JPEG. `fastdct` is ignored.
   *
   * @param frame `[h, w, 3]`, `[h, w, 4]`, or `[h, w]`/`[h, w, 1]` for GRAY.
   * @param options Quality (default 90) and colourspace.
   * @returns A fresh buffer holding the JPEG.
   * @throws {RangeError} When the quality or shape is out of range.
   * @throws {TypeError} When the dtype is not uint8 or an option has the wrong type.
   * @throws {JpegError} For CMYK, or when imagescript fails.
   */
  encode(frame: Frame, options?: JpegEncodeOptions): Uint8Array {
    const { quality, colorspace } = encodeSettings(options);
    const { height, width } = frameGeometry(frame, colorspace);
    this.#live("encode");
    if (colorspace === "CMYK") {
      throw new JpegError(
        `Cannot JPEG-encode colorspace "CMYK" with the imagescript codec: it writes RGB only; ` +
          `install libjpeg-turbo or convert the frame to BGR`,
      );
    }
    try {
      return this.#encoder.encode(toRgba(frame.data, height * width, colorspace), {
        width,
        height,
        quality,
      });
    } catch (error) {
      throw new JpegError(
        `Cannot JPEG-encode the ${width}×${height} ${colorspace} frame: ${
          (error as Error).message
        }`,
        { cause: error },
      );
    }
  }

  /**
   * Decodes a JPEG into a `uint8` frame laid out as `options.colorspace` (BGR by default).
   * `fastdct` and `fastupsample` are ignored.
   *
   * @param jpeg The JPEG bytes.
   * @param options Colourspace.
   * @returns `[h, w, 3]`, `[h, w, 4]`, or `[h, w]` for GRAY.
   * @throws {JpegError} When the bytes are not a complete, valid JPEG, for CMYK, or for a
   * CMYK JPEG.
   */
  decode(jpeg: Uint8Array, options?: JpegDecodeOptions): Frame {
    const { colorspace } = decodeSettings(options);
    checkJpegBytes(jpeg);
    const decoder = this.#live("decode");
    if (colorspace === "CMYK") {
      throw new JpegError(
        `Cannot decode to colorspace "CMYK" with the imagescript codec: it decodes to RGB only; ` +
          `install libjpeg-turbo or decode to BGR`,
      );
    }
    let decoded: ReturnType<WasmJpegDecoder["decode"]>;
    try {
      decoded = decoder.decode(jpeg);
    } catch (error) {
      throw new JpegError(
        `Cannot decode the JPEG (${jpeg.byteLength} bytes): ${(error as Error).message}; ` +
          `the payload is corrupt, truncated or not a JPEG`,
        { cause: error },
      );
    }
    const { width, height, format, buffer } = decoded;
    if (format !== DECODED_GRAY && format !== DECODED_RGB) {
      throw new JpegError(
        `Cannot decode a CMYK JPEG to ${colorspace} with the imagescript codec: ` +
          `install libjpeg-turbo and decode it to "CMYK"`,
      );
    }
    checkDecodedSize(height, width, LAYOUTS[colorspace].channels);
    if (buffer.byteLength < height * width * (format === DECODED_RGB ? 3 : 1)) {
      throw new JpegError(
        `Cannot decode the ${width}×${height} JPEG: imagescript returned too few pixels`,
      );
    }
    const pixels = format === DECODED_RGB
      ? fromRgb(buffer, height * width, colorspace)
      : fromGray(buffer, height * width, colorspace);
    return { shape: decodedShape(height, width, colorspace), dtype: "uint8", data: pixels };
  }

  /** Drops the decoder's WebAssembly instance. Safe to call twice. */
  close(): void {
    this.#decoder = undefined;
  }

  /** Same as {@linkcode ImageScriptCodec.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #live(action: string): WasmJpegDecoder {
    if (this.#decoder === undefined) {
      throw new JpegError(`Cannot ${action}: the codec is closed; create a new one`);
    }
    return this.#decoder;
  }
}

/** The exports of imagescript 1.3.1's `wasm/any/jpeg.wasm` that its decoder uses. */
interface JpegWasmExports {
  memory: WebAssembly.Memory;
  /** Bytes in the last buffer the module returned. */
  wlen(): number;
  walloc(size: number): number;
  wfree(pointer: number, size: number): void;
  /** Decodes the JPEG at `input`; 0 when it fails, 1 when it cannot scale (not used here). */
  decode(input: number, size: number, width: number, height: number): number;
  decode_width(decoded: number): number;
  decode_height(decoded: number): number;
  decode_format(decoded: number): number;
  decode_buffer(decoded: number): number;
  decode_free(decoded: number): void;
}

/**
 * A decoder on a fresh instance of imagescript's wasm JPEG module, called as its own glue
 * (`wasm/node/jpeg.js`) calls it. That glue is not used because it reads the `.wasm` file from
 * Deno's npm cache, which would need `--allow-read` there; the module comes through the module
 * graph instead (`src/_deps/imagescript_jpeg_wasm.js`).
 */
function wasmDecoder(module: WebAssembly.Module): WasmJpegDecoder {
  const wasm = new WebAssembly.Instance(module).exports as unknown as JpegWasmExports;
  return {
    decode(jpeg) {
      // The module takes ownership of the input allocation, as in imagescript's glue.
      const input = wasm.walloc(jpeg.byteLength);
      new Uint8Array(wasm.memory.buffer, input, jpeg.byteLength).set(jpeg);
      const decoded = wasm.decode(input, jpeg.byteLength, 0, 0);
      if (decoded === 0) throw new Error("jpg: failed to decode");
      if (decoded === 1) throw new Error("jpg: failed to scale decoder");
      try {
        const pixels = wasm.decode_buffer(decoded);
        return {
          width: wasm.decode_width(decoded),
          height: wasm.decode_height(decoded),
          format: wasm.decode_format(decoded),
          buffer: new Uint8Array(wasm.memory.buffer, pixels, wasm.wlen()).slice(),
        };
      } finally {
        wasm.decode_free(decoded);
      }
    },
  };
}

/** Reorders `pixels` pixels of `colorspace` into RGBA, the encoder's only input. */
function toRgba(src: Uint8Array, pixels: number, colorspace: JpegColorspace): Uint8Array {
  // The encoder ignores alpha, so RGBA and RGBX frames go in as they are.
  if (colorspace === "RGBA" || colorspace === "RGBX") return src;
  const dst = new Uint8Array(pixels * 4);
  if (colorspace === "GRAY") {
    for (let i = 0, o = 0; i < pixels; i++, o += 4) {
      const v = src[i];
      dst[o] = v;
      dst[o + 1] = v;
      dst[o + 2] = v;
      dst[o + 3] = 255;
    }
    return dst;
  }
  const { channels, r, g, b } = LAYOUTS[colorspace];
  for (let s = 0, o = 0; o < dst.length; s += channels, o += 4) {
    dst[o] = src[s + r];
    dst[o + 1] = src[s + g];
    dst[o + 2] = src[s + b];
    dst[o + 3] = 255;
  }
  return dst;
}

/** Lays decoded RGB out as `colorspace`; X/alpha bytes are 255, as libjpeg-turbo sets them. */
function fromRgb(rgb: Uint8Array, pixels: number, colorspace: JpegColorspace): Uint8Array {
  if (colorspace === "RGB") return rgb;
  if (colorspace === "GRAY") {
    const dst = new Uint8Array(pixels);
    for (let i = 0, s = 0; i < pixels; i++, s += 3) {
      // libjpeg's RGB → Y weights (0.299, 0.587, 0.114) in 16-bit fixed point.
      dst[i] = (19595 * rgb[s] + 38470 * rgb[s + 1] + 7471 * rgb[s + 2] + 32768) >> 16;
    }
    return dst;
  }
  const { channels, r, g, b, x } = LAYOUTS[colorspace];
  const dst = new Uint8Array(pixels * channels);
  for (let s = 0, o = 0; o < dst.length; s += 3, o += channels) {
    dst[o + r] = rgb[s];
    dst[o + g] = rgb[s + 1];
    dst[o + b] = rgb[s + 2];
    if (x >= 0) dst[o + x] = 255;
  }
  return dst;
}

/** Lays decoded gray out as `colorspace`. */
function fromGray(gray: Uint8Array, pixels: number, colorspace: JpegColorspace): Uint8Array {
  if (colorspace === "GRAY") return gray;
  const { channels, x } = LAYOUTS[colorspace];
  const dst = new Uint8Array(pixels * channels);
  for (let i = 0, o = 0; i < pixels; i++, o += channels) {
    const v = gray[i];
    // In every layout but X/alpha, the three colour bytes are all gray.
    for (let c = 0; c < channels; c++) dst[o + c] = c === x ? 255 : v;
  }
  return dst;
}
