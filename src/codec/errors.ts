/**
 * The codec's errors: {@linkcode JpegError} for bytes or frames that cannot be coded, and
 * {@linkcode JpegLibraryError} for a codec that cannot be loaded. Bad options are plain
 * `TypeError`/`RangeError`.
 *
 * @module
 */

/**
 * A JPEG that cannot be decoded (corrupt, truncated, not a JPEG, a colourspace conversion the
 * codec cannot do) or a frame the codec cannot encode.
 *
 * @example Tell a corrupt JPEG from other failures
 * ```ts
 * import { JpegError, jpegCodec } from "./mod.ts";
 * using codec = await jpegCodec();
 * try {
 *   codec.decode(new Uint8Array([0xff, 0xd8, 0xff]));
 * } catch (error) {
 *   if (!(error instanceof JpegError)) throw error;
 * }
 * ```
 */
export class JpegError extends Error {
  /**
   * Creates a JPEG coding error.
   *
   * @param message What went wrong and what to do about it.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "JpegError";
  }
}

/**
 * A JPEG codec that cannot be loaded: libturbojpeg not found or not loadable, or imagescript
 * unable to start (its encoder is a native addon and needs `--allow-ffi`).
 */
export class JpegLibraryError extends Error {
  /** The library names or paths that were tried, in order (empty for imagescript). */
  readonly tried: readonly string[];

  /**
   * Creates a codec loading error.
   *
   * @param message What went wrong and what to do about it.
   * @param tried The library names or paths that were tried.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, tried: readonly string[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = "JpegLibraryError";
    this.tried = [...tried];
  }
}
