/**
 * The libjpeg-turbo codec: simplejpeg's own engine, called through Deno FFI.
 *
 * @module
 */

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
import {
  C_ULONG_BYTES,
  openTurboJpeg,
  TJFLAG,
  TJPF,
  TJSAMP,
  turboJpegErrorMessage,
  type TurboJpegSymbols,
} from "./_turbojpeg_ffi.ts";
import { JpegError } from "./errors.ts";
import type { JpegCodec, JpegDecodeOptions, JpegEncodeOptions } from "./types.ts";

/** Options of {@linkcode TurboJpegCodec}. */
export interface TurboJpegCodecOptions {
  /**
   * The libturbojpeg file to load, and the only one tried. Without it the codec tries the
   * `NETGEAR_LIBTURBOJPEG` environment variable's path, else the system's names
   * (`libturbojpeg.so.0`, `libturbojpeg.0.dylib`, Homebrew's `jpeg-turbo`, `turbojpeg.dll`).
   *
   * @default {undefined}
   */
  libraryPath?: string;
}

/** The native handles of one codec, kept apart from it so the GC safety net can free them. */
interface Handles {
  symbols: TurboJpegSymbols;
  compressor: Deno.PointerValue;
  decompressor: Deno.PointerValue;
}

function destroyHandles(handles: Handles): void {
  if (handles.compressor !== null) handles.symbols.tjDestroy(handles.compressor);
  if (handles.decompressor !== null) handles.symbols.tjDestroy(handles.decompressor);
  handles.compressor = null;
  handles.decompressor = null;
}

// Frees the handles of codecs dropped without close().
const leaked = new FinalizationRegistry<Handles>(destroyHandles);

/**
 * JPEG through libjpeg-turbo's TurboJPEG API, with simplejpeg's settings: colour is written
 * 4:2:2, `GRAY` as a one-component JPEG; decoding is strict (a warning such as a truncated
 * stream is an error, like simplejpeg's `strict=True`).
 *
 * Each codec keeps one compressor, one decompressor and one reusable output buffer sized by
 * `tjBufSize`, so encoding makes no native allocation. Calls are synchronous (about 1–3 ms
 * for 640×480). A codec is not meant to be shared across workers.
 *
 * @example Encode and decode a BGR frame
 * ```ts
 * import { createFrame } from "../frame.ts";
 * import { TurboJpegCodec } from "./turbojpeg_codec.ts";
 *
 * using codec = new TurboJpegCodec();
 * const frame = createFrame(new Uint8Array(48 * 64 * 3).fill(128), [48, 64, 3]);
 * const jpeg = codec.encode(frame, { quality: 90 });
 * const back = codec.decode(jpeg); // shape [48, 64, 3], BGR
 * ```
 */
export class TurboJpegCodec implements JpegCodec {
  /** Always `"libjpeg-turbo"`. */
  readonly name = "libjpeg-turbo" as const;
  /** The library name or path that loaded, e.g. `"libturbojpeg.so.0"`. */
  readonly libraryPath: string;

  #handles: Handles;
  #closed = false;
  // The JPEG output buffer. Its address is written into #outAddress for tjCompress2, so it
  // must stay referenced (and unmoved) while this codec lives: it is a field.
  #out = new Uint8Array(0);
  #outAddress = new BigUint64Array(1); // unsigned char *
  #outSize = new Uint8Array(8); // unsigned long, read little-endian (every Deno target is)
  #outSizeView = new DataView(this.#outSize.buffer);
  #width = new Int32Array(1);
  #height = new Int32Array(1);
  #subsampling = new Int32Array(1);
  #jpegColorspace = new Int32Array(1);

  /**
   * Loads libturbojpeg (once per process and path).
   *
   * @param options Where to find the library.
   * @throws {JpegLibraryError} When it cannot be loaded; the error lists what was tried.
   */
  constructor(options: TurboJpegCodecOptions = {}) {
    const library = openTurboJpeg(options.libraryPath);
    this.libraryPath = library.path;
    this.#handles = { symbols: library.symbols, compressor: null, decompressor: null };
    leaked.register(this, this.#handles, this);
  }

  /**
   * Encodes a `uint8` frame laid out as `options.colorspace` (BGR by default).
   *
   * @param frame `[h, w, 3]`, `[h, w, 4]`, or `[h, w]`/`[h, w, 1]` for GRAY.
   * @param options Quality (default 90), colourspace, fast DCT (default on).
   * @returns A fresh buffer holding the JPEG.
   * @throws {RangeError} When the quality or shape is out of range.
   * @throws {TypeError} When the dtype is not uint8 or an option has the wrong type.
   * @throws {JpegError} When libjpeg-turbo fails.
   */
  encode(frame: Frame, options?: JpegEncodeOptions): Uint8Array {
    const { quality, colorspace, fastdct } = encodeSettings(options);
    const { height, width } = frameGeometry(frame, colorspace);
    const handles = this.#live("encode");
    const { symbols } = handles;
    if (handles.compressor === null) {
      handles.compressor = symbols.tjInitCompress();
      if (handles.compressor === null) {
        throw new JpegError(
          `Cannot create a JPEG compressor: ${turboJpegErrorMessage(symbols, null)}`,
        );
      }
    }
    const subsampling = colorspace === "GRAY" ? TJSAMP.GRAY : TJSAMP.S422;
    const capacity = Number(symbols.tjBufSize(width, height, subsampling));
    if (!Number.isSafeInteger(capacity) || capacity <= 0) {
      throw new JpegError(
        `Cannot size the JPEG buffer for a ${width}×${height} frame: ${
          turboJpegErrorMessage(symbols, null)
        }`,
      );
    }
    this.#reserve(capacity);
    this.#outAddress[0] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(this.#out)));
    this.#writeOutSize(this.#out.byteLength);
    // Without a DCT flag, libjpeg-turbo 2.x compresses with the fast DCT and 3.x with the
    // accurate one; naming the DCT both ways makes `fastdct: false` mean accurate everywhere.
    const flags = TJFLAG.NOREALLOC | (fastdct ? TJFLAG.FASTDCT : TJFLAG.ACCURATEDCT);
    const status = symbols.tjCompress2(
      handles.compressor,
      frame.data,
      width,
      0,
      height,
      TJPF[colorspace],
      this.#outAddress,
      this.#outSize,
      subsampling,
      quality,
      flags,
    );
    if (status !== 0) {
      const reason = turboJpegErrorMessage(symbols, handles.compressor);
      this.#dropCompressor();
      throw new JpegError(
        `Cannot JPEG-encode the ${width}×${height} ${colorspace} frame: ${reason}`,
      );
    }
    return this.#out.slice(0, this.#readOutSize());
  }

  /**
   * Decodes a JPEG into a `uint8` frame laid out as `options.colorspace` (BGR by default).
   *
   * @param jpeg The JPEG bytes.
   * @param options Colourspace, fast DCT (default on), fast upsampling (default off).
   * @returns `[h, w, 3]`, `[h, w, 4]`, or `[h, w]` for GRAY.
   * @throws {JpegError} When the bytes are not a complete, valid JPEG or cannot be converted
   * to the colourspace.
   */
  decode(jpeg: Uint8Array, options?: JpegDecodeOptions): Frame {
    const { colorspace, fastdct, fastupsample } = decodeSettings(options);
    checkJpegBytes(jpeg);
    const handles = this.#live("decode");
    const { symbols } = handles;
    if (handles.decompressor === null) {
      handles.decompressor = symbols.tjInitDecompress();
      if (handles.decompressor === null) {
        throw new JpegError(
          `Cannot create a JPEG decompressor: ${turboJpegErrorMessage(symbols, null)}`,
        );
      }
    }
    // Cleared first: a tables-only stream "succeeds" without writing them.
    this.#width[0] = 0;
    this.#height[0] = 0;
    const header = symbols.tjDecompressHeader3(
      handles.decompressor,
      jpeg,
      jpeg.byteLength,
      this.#width,
      this.#height,
      this.#subsampling,
      this.#jpegColorspace,
    );
    const width = this.#width[0];
    const height = this.#height[0];
    if (header !== 0 || width < 1 || height < 1) {
      const reason = header !== 0
        ? turboJpegErrorMessage(symbols, handles.decompressor)
        : "it holds no image";
      this.#dropDecompressor();
      throw new JpegError(
        `Cannot decode the JPEG (${jpeg.byteLength} bytes): ${reason}; ` +
          `the payload is corrupt, truncated or not a JPEG`,
      );
    }
    const { channels } = LAYOUTS[colorspace];
    checkDecodedSize(height, width, channels);
    const pixels = new Uint8Array(height * width * channels);
    // STOPONWARNING: a corrupt or truncated stream is an error (simplejpeg's strict mode),
    // not a silently grey-filled frame.
    const flags = TJFLAG.STOPONWARNING | (fastdct ? TJFLAG.FASTDCT : TJFLAG.ACCURATEDCT) |
      (fastupsample ? TJFLAG.FASTUPSAMPLE : 0);
    const status = symbols.tjDecompress2(
      handles.decompressor,
      jpeg,
      jpeg.byteLength,
      pixels,
      width,
      0,
      height,
      TJPF[colorspace],
      flags,
    );
    if (status !== 0) {
      const reason = turboJpegErrorMessage(symbols, handles.decompressor);
      this.#dropDecompressor();
      throw new JpegError(
        `Cannot decode the ${width}×${height} JPEG (${jpeg.byteLength} bytes) to ${colorspace}: ` +
          `${reason}; the payload is corrupt or truncated, or cannot be converted to ${colorspace}`,
      );
    }
    return { shape: decodedShape(height, width, colorspace), dtype: "uint8", data: pixels };
  }

  /** Frees the native compressor and decompressor. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    leaked.unregister(this);
    destroyHandles(this.#handles);
    this.#out = new Uint8Array(0);
  }

  /** Same as {@linkcode TurboJpegCodec.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #live(action: string): Handles {
    if (this.#closed) {
      throw new JpegError(`Cannot ${action}: the codec is closed; create a new one`);
    }
    return this.#handles;
  }

  // libjpeg-turbo 2.1 leaves a handle in a bad state after a failure (the next
  // tjDecompressHeader3 returns success without reading anything), so a failed handle is
  // replaced on next use.
  #dropDecompressor(): void {
    const handles = this.#handles;
    if (handles.decompressor !== null) handles.symbols.tjDestroy(handles.decompressor);
    handles.decompressor = null;
  }

  #dropCompressor(): void {
    const handles = this.#handles;
    if (handles.compressor !== null) handles.symbols.tjDestroy(handles.compressor);
    handles.compressor = null;
  }

  #reserve(capacity: number): void {
    if (this.#out.byteLength < capacity) this.#out = new Uint8Array(capacity);
  }

  #writeOutSize(size: number): void {
    if (C_ULONG_BYTES === 8) this.#outSizeView.setBigUint64(0, BigInt(size), true);
    else this.#outSizeView.setUint32(0, size, true);
  }

  #readOutSize(): number {
    return C_ULONG_BYTES === 8
      ? Number(this.#outSizeView.getBigUint64(0, true))
      : this.#outSizeView.getUint32(0, true);
  }
}
