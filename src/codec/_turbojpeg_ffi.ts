/**
 * The one place that opens libturbojpeg: the symbol table, the TurboJPEG constants this
 * library uses, and the search for the shared library.
 *
 * Constants and signatures follow the TurboJPEG 2.x ABI (`turbojpeg.h`, libjpeg-turbo 2.0+;
 * `tjGetErrorStr2` and `tjGetErrorCode` appeared in 2.0).
 *
 * @module
 */

import { JpegLibraryError } from "./errors.ts";

/** `unsigned long`: 64-bit on LP64 (Linux, macOS), 32-bit on LLP64 (Windows). */
const C_ULONG = Deno.build.os === "windows" ? "u32" as const : "u64" as const;

/** Bytes of an `unsigned long` on this platform. */
export const C_ULONG_BYTES: 4 | 8 = Deno.build.os === "windows" ? 4 : 8;

/**
 * The TurboJPEG symbols this library calls. `tjFree` is not declared: output buffers are
 * always ours (`TJFLAG_NOREALLOC`), so TurboJPEG never allocates one we would have to free.
 */
export const TURBOJPEG_SYMBOLS = {
  /** `tjhandle tjInitCompress(void)` */
  tjInitCompress: { parameters: [], result: "pointer" },
  /** `tjhandle tjInitDecompress(void)` */
  tjInitDecompress: { parameters: [], result: "pointer" },
  /** `int tjDestroy(tjhandle handle)` */
  tjDestroy: {
    parameters: [
      "pointer", // tjhandle handle
    ],
    result: "i32",
  },
  /** `unsigned long tjBufSize(int width, int height, int jpegSubsamp)` */
  tjBufSize: {
    parameters: [
      "i32", // int width
      "i32", // int height
      "i32", // int jpegSubsamp
    ],
    result: C_ULONG,
  },
  /** `int tjCompress2(tjhandle, const unsigned char *, int, int, int, int, unsigned char **, unsigned long *, int, int, int)` */
  tjCompress2: {
    parameters: [
      "pointer", // tjhandle handle
      "buffer", // const unsigned char *srcBuf
      "i32", // int width
      "i32", // int pitch (0: width * pixel size)
      "i32", // int height
      "i32", // int pixelFormat (TJPF_*)
      "buffer", // unsigned char **jpegBuf (in: our buffer's address)
      "buffer", // unsigned long *jpegSize (in: buffer size, out: JPEG size)
      "i32", // int jpegSubsamp (TJSAMP_*)
      "i32", // int jpegQual (1..100)
      "i32", // int flags (TJFLAG_*)
    ],
    result: "i32",
  },
  /** `int tjDecompressHeader3(tjhandle, const unsigned char *, unsigned long, int *, int *, int *, int *)` */
  tjDecompressHeader3: {
    parameters: [
      "pointer", // tjhandle handle
      "buffer", // const unsigned char *jpegBuf
      C_ULONG, // unsigned long jpegSize
      "buffer", // int *width
      "buffer", // int *height
      "buffer", // int *jpegSubsamp
      "buffer", // int *jpegColorspace
    ],
    result: "i32",
  },
  /** `int tjDecompress2(tjhandle, const unsigned char *, unsigned long, unsigned char *, int, int, int, int, int)` */
  tjDecompress2: {
    parameters: [
      "pointer", // tjhandle handle
      "buffer", // const unsigned char *jpegBuf
      C_ULONG, // unsigned long jpegSize
      "buffer", // unsigned char *dstBuf
      "i32", // int width
      "i32", // int pitch (0: width * pixel size)
      "i32", // int height
      "i32", // int pixelFormat (TJPF_*)
      "i32", // int flags (TJFLAG_*)
    ],
    result: "i32",
  },
  /** `char *tjGetErrorStr2(tjhandle handle)` */
  tjGetErrorStr2: {
    parameters: [
      "pointer", // tjhandle handle (NULL: the last global error)
    ],
    result: "pointer",
  },
  /** `int tjGetErrorCode(tjhandle handle)`: TJERR_WARNING (0) or TJERR_FATAL (1) */
  tjGetErrorCode: {
    parameters: [
      "pointer", // tjhandle handle
    ],
    result: "i32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The opened library's callable symbols. */
export type TurboJpegSymbols = Deno.DynamicLibrary<typeof TURBOJPEG_SYMBOLS>["symbols"];

/** `enum TJPF`: pixel formats, named as simplejpeg and vidgear name colourspaces. */
export const TJPF = {
  RGB: 0,
  BGR: 1,
  RGBX: 2,
  BGRX: 3,
  XBGR: 4,
  XRGB: 5,
  GRAY: 6,
  RGBA: 7,
  BGRA: 8,
  ABGR: 9,
  ARGB: 10,
  CMYK: 11,
} as const;

/** `enum TJSAMP`: the chroma subsamplings this library writes. */
export const TJSAMP = { S444: 0, S422: 1, S420: 2, GRAY: 3 } as const;

/** `TJFLAG_*` bits. */
export const TJFLAG = {
  FASTUPSAMPLE: 256,
  NOREALLOC: 1024,
  FASTDCT: 2048,
  ACCURATEDCT: 4096,
  STOPONWARNING: 8192,
} as const;

/** An opened libturbojpeg, and the name or path that opened it. */
export interface TurboJpegLibrary {
  /** The candidate that loaded, e.g. `"libturbojpeg.so.0"`. */
  readonly path: string;
  /** The callable symbols. */
  readonly symbols: TurboJpegSymbols;
}

/** Environment variable naming the libturbojpeg file to load. */
export const LIBRARY_ENV_VAR = "NETGEAR_LIBTURBOJPEG";

/** File names the OS loader resolves, then Homebrew's keg-only locations. */
function systemCandidates(): string[] {
  switch (Deno.build.os) {
    case "darwin":
      return [
        "libturbojpeg.0.dylib",
        "libturbojpeg.dylib",
        "/opt/homebrew/opt/jpeg-turbo/lib/libturbojpeg.0.dylib",
        "/opt/homebrew/opt/jpeg-turbo/lib/libturbojpeg.dylib",
        "/usr/local/opt/jpeg-turbo/lib/libturbojpeg.0.dylib",
        "/usr/local/opt/jpeg-turbo/lib/libturbojpeg.dylib",
      ];
    case "windows":
      return ["turbojpeg.dll"];
    default:
      return ["libturbojpeg.so.0", "libturbojpeg.so"];
  }
}

/** Reads the environment variable, treating a denied `--allow-env` as "not set". */
function libraryFromEnv(): string | undefined {
  try {
    return Deno.env.get(LIBRARY_ENV_VAR) || undefined;
  } catch (error) {
    // Deno 2 reports a missing --allow-env as NotCapable; older releases as PermissionDenied.
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      return undefined;
    }
    throw error;
  }
}

/**
 * The names to try, in order: the explicit path alone when given, else the environment
 * variable's path alone when set, else the OS names.
 */
export function libraryCandidates(libraryPath?: string): string[] {
  if (libraryPath !== undefined) return [libraryPath];
  const fromEnv = libraryFromEnv();
  return fromEnv !== undefined ? [fromEnv] : systemCandidates();
}

const opened = new Map<string, TurboJpegLibrary>();

/**
 * Opens libturbojpeg, trying each candidate in turn. A library stays open for the life of
 * the process: codecs hold raw handles into it.
 *
 * @throws {JpegLibraryError} When no candidate loads; `tried` lists each with its reason.
 */
export function openTurboJpeg(libraryPath?: string): TurboJpegLibrary {
  const candidates = libraryCandidates(libraryPath);
  const failures: string[] = [];
  let denied = false;
  for (const candidate of candidates) {
    const cached = opened.get(candidate);
    if (cached !== undefined) return cached;
    try {
      const { symbols } = Deno.dlopen(candidate, TURBOJPEG_SYMBOLS);
      const library = { path: candidate, symbols };
      opened.set(candidate, library);
      return library;
    } catch (error) {
      // A scoped --allow-ffi may deny one candidate and allow the next, so keep trying.
      denied ||= error instanceof Deno.errors.NotCapable ||
        error instanceof Deno.errors.PermissionDenied;
      failures.push(`"${candidate}" (${(error as Error).message})`);
    }
  }
  const remedy = denied ? "run with --allow-ffi" : `install it ` +
    `(Debian/Ubuntu: "apt install libturbojpeg0", macOS: "brew install jpeg-turbo") ` +
    `or set ${LIBRARY_ENV_VAR} to the library's path`;
  throw new JpegLibraryError(
    `Cannot load libjpeg-turbo: tried ${failures.join(", ")}; ${remedy}`,
    candidates,
  );
}

/** The last error message of `handle`, for exceptions. */
export function turboJpegErrorMessage(
  symbols: TurboJpegSymbols,
  handle: Deno.PointerValue,
): string {
  const message = symbols.tjGetErrorStr2(handle);
  return message === null ? "unknown TurboJPEG error" : Deno.UnsafePointerView.getCString(message);
}
