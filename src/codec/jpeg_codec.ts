/**
 * Picks the JPEG codec: libjpeg-turbo when it loads, imagescript otherwise.
 *
 * @module
 */

import { JpegLibraryError } from "./errors.ts";
import { ImageScriptCodec } from "./imagescript_codec.ts";
import { TurboJpegCodec } from "./turbojpeg_codec.ts";
import type { JpegCodec, JpegCodecName } from "./types.ts";

/** Options of {@linkcode jpegCodec}. */
export interface JpegCodecOptions {
  /**
   * Which codec to use: `"auto"` tries libjpeg-turbo, then imagescript; a codec name forces
   * that codec and throws if it cannot load.
   *
   * @default {"auto"}
   */
  prefer?: "auto" | JpegCodecName;
  /**
   * The libturbojpeg file to load, and the only one tried. Giving it says you want
   * libjpeg-turbo: with `prefer: "auto"`, failing to load it throws instead of falling back.
   * Without it, the `NETGEAR_LIBTURBOJPEG` environment variable's path is tried, else the
   * system's names.
   *
   * @default {undefined}
   */
  libraryPath?: string;
}

/**
 * Creates a JPEG codec with vidgear's semantics: libjpeg-turbo through FFI when it can be
 * loaded (the engine simplejpeg uses), else imagescript. `codec.name` tells which one was
 * chosen. Both decode each other's output.
 *
 * Needs `--allow-ffi` (libturbojpeg, or imagescript's native encoder); with
 * `--allow-env=NETGEAR_LIBTURBOJPEG`, that variable can name the libturbojpeg file.
 *
 * @param options Which codec, and where libturbojpeg is.
 * @returns A codec; close it or declare it with `using`.
 * @throws {JpegLibraryError} When the requested codec, or in `"auto"` mode both, cannot load.
 *
 * @example Round-trip a frame
 * ```ts
 * import { createFrame } from "../frame.ts";
 * import { jpegCodec } from "./jpeg_codec.ts";
 *
 * using codec = await jpegCodec();
 * console.log(codec.name); // "libjpeg-turbo" when installed, else "imagescript"
 * const frame = createFrame(new Uint8Array(48 * 64 * 3).fill(200), [48, 64, 3]);
 * const jpeg = codec.encode(frame, { quality: 90, colorspace: "BGR" });
 * const back = codec.decode(jpeg, { colorspace: "BGR" }); // shape [48, 64, 3]
 * ```
 *
 * @example Use a libturbojpeg at a known path
 * ```ts ignore
 * import { jpegCodec } from "./jpeg_codec.ts";
 * using codec = await jpegCodec({ libraryPath: "/opt/libjpeg-turbo/lib64/libturbojpeg.so" });
 * ```
 */
export async function jpegCodec(options: JpegCodecOptions = {}): Promise<JpegCodec> {
  const { prefer = "auto", libraryPath } = options;
  switch (prefer) {
    case "libjpeg-turbo":
      return new TurboJpegCodec({ libraryPath });
    case "imagescript":
      return await ImageScriptCodec.create();
    case "auto":
      break;
    default:
      throw new TypeError(
        `Cannot choose JPEG codec ${
          JSON.stringify(prefer)
        }: use "auto", "libjpeg-turbo" or "imagescript"`,
      );
  }
  if (libraryPath !== undefined) return new TurboJpegCodec({ libraryPath });
  let turboError: JpegLibraryError;
  try {
    return new TurboJpegCodec();
  } catch (error) {
    if (!(error instanceof JpegLibraryError)) throw error;
    turboError = error;
  }
  try {
    return await ImageScriptCodec.create();
  } catch (error) {
    throw new JpegLibraryError(
      `Cannot load any JPEG codec. ${turboError.message}. ${(error as Error).message}`,
      turboError.tried,
      { cause: error },
    );
  }
}
