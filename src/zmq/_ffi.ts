// The only file that calls Deno.dlopen for libzmq: finds the library and declares its symbols.

import { resolveZeromqPackageJson, ZEROMQ_PACKAGE } from "../_deps/zeromq.ts";

/** The libzmq C API this project uses, each parameter commented with its C type. */
const SYMBOLS = {
  zmq_version: {
    // int *major, int *minor, int *patch
    parameters: ["buffer", "buffer", "buffer"],
    result: "void",
  },
  zmq_has: { parameters: ["buffer" /* const char *capability */], result: "i32" },
  zmq_errno: { parameters: [], result: "i32" },
  zmq_strerror: { parameters: ["i32" /* int errnum */], result: "pointer" },

  zmq_ctx_new: { parameters: [], result: "pointer" },
  // void *context, int option, int value
  zmq_ctx_set: { parameters: ["pointer", "i32", "i32"], result: "i32" },
  zmq_ctx_shutdown: { parameters: ["pointer" /* void *context */], result: "i32" },
  // void *context; blocks until every socket is closed and lingering messages are gone
  zmq_ctx_term: { parameters: ["pointer"], result: "i32", nonblocking: true },
  // The same call, blocking the JS thread: only used while the process exits.
  zmq_ctx_term_sync: { name: "zmq_ctx_term", parameters: ["pointer"], result: "i32" },

  // void *context, int type
  zmq_socket: { parameters: ["pointer", "i32"], result: "pointer" },
  zmq_close: { parameters: ["pointer" /* void *socket */], result: "i32" },
  // void *socket, const char *endpoint
  zmq_bind: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_unbind: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_connect: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_disconnect: { parameters: ["pointer", "buffer"], result: "i32" },
  // void *socket, int option, const void *value, size_t len
  zmq_setsockopt: { parameters: ["pointer", "i32", "buffer", "usize"], result: "i32" },
  // void *socket, int option, void *value, size_t *len
  zmq_getsockopt: { parameters: ["pointer", "i32", "buffer", "buffer"], result: "i32" },

  // void *socket, const void *buf, size_t len, int flags
  zmq_send: { parameters: ["pointer", "buffer", "usize", "i32"], result: "i32" },
  // The same call run on Deno's blocking thread pool: a send that waits inside libzmq for room
  // (up to ZMQ_SNDTIMEO), where readiness to send cannot be polled (see Socket.send).
  zmq_send_wait: {
    name: "zmq_send",
    parameters: ["pointer", "buffer", "usize", "i32"],
    result: "i32",
    nonblocking: true,
  },
  zmq_msg_init: { parameters: ["buffer" /* zmq_msg_t *msg */], result: "i32" },
  // zmq_msg_t *msg, void *socket, int flags
  zmq_msg_recv: { parameters: ["buffer", "pointer", "i32"], result: "i32" },
  zmq_msg_data: { parameters: ["buffer" /* zmq_msg_t *msg */], result: "pointer" },
  zmq_msg_more: { parameters: ["buffer" /* const zmq_msg_t *msg */], result: "i32" },
  zmq_msg_close: { parameters: ["buffer" /* zmq_msg_t *msg */], result: "i32" },
  // zmq_msg_t *dest, zmq_msg_t *src
  zmq_msg_move: { parameters: ["buffer", "buffer"], result: "i32" },
  zmq_msg_copy: { parameters: ["buffer", "buffer"], result: "i32" },
  // zmq_msg_t *msg, void *data, size_t size, zmq_free_fn *ffn, void *hint
  zmq_msg_init_data: {
    parameters: ["buffer", "pointer", "usize", "pointer", "pointer"],
    result: "i32",
  },
  // zmq_msg_t *msg, void *socket, int flags
  zmq_msg_send: { parameters: ["buffer", "pointer", "i32"], result: "i32" },
  // zmq_msg_t *msg, const char *property
  zmq_msg_gets: { parameters: ["buffer", "buffer"], result: "pointer" },
  // const zmq_msg_t *msg, int property
  zmq_msg_get: { parameters: ["buffer", "i32"], result: "i32" },

  // zmq_pollitem_t *items, int nitems, long timeout: checks readiness without waiting
  zmq_poll: { parameters: ["buffer", "i32", "i64"], result: "i32" },
  // The same call run on Deno's blocking thread pool, for waits.
  zmq_poll_wait: {
    name: "zmq_poll",
    parameters: ["buffer", "i32", "i64"],
    result: "i32",
    nonblocking: true,
  },

  // void *socket, const char *endpoint, int events
  zmq_socket_monitor: { parameters: ["pointer", "buffer", "i32"], result: "i32" },

  // char *z85_public_key, char *z85_secret_key
  zmq_curve_keypair: { parameters: ["buffer", "buffer"], result: "i32" },
  // char *z85_public_key, const char *z85_secret_key
  zmq_curve_public: { parameters: ["buffer", "buffer"], result: "i32" },
  // char *dest, const uint8_t *data, size_t size
  zmq_z85_encode: { parameters: ["buffer", "buffer", "usize"], result: "pointer" },
  // uint8_t *dest, const char *string
  zmq_z85_decode: { parameters: ["buffer", "buffer"], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The loaded libzmq symbols. */
export type Libzmq = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** Where the library was found and which version it is. */
export interface LibzmqInfo {
  /** The path or name that was opened. */
  readonly path: string;
  /** `"explicit"` (argument or `NETGEAR_LIBZMQ`), `"system"` (OS names) or `"bundled"` (npm `zeromq`). */
  readonly source: "explicit" | "system" | "bundled";
  /** libzmq's version as `[major, minor, patch]`. */
  readonly version: readonly [number, number, number];
}

/** The environment variable that names a libzmq file to load (or `bundled` for the npm copy). */
export const LIBZMQ_ENV = "NETGEAR_LIBZMQ";

/** The npm package whose native addon carries a copy of libzmq, pinned. */
export const BUNDLED_PACKAGE: string = ZEROMQ_PACKAGE;

const SYSTEM_NAMES: Record<string, string[]> = {
  linux: ["libzmq.so.5", "libzmq.so"],
  darwin: [
    "libzmq.5.dylib",
    "libzmq.dylib",
    "/opt/homebrew/lib/libzmq.5.dylib",
    "/opt/homebrew/lib/libzmq.dylib",
    "/usr/local/lib/libzmq.5.dylib",
    "/usr/local/lib/libzmq.dylib",
  ],
  windows: [
    "libzmq.dll",
    "libzmq-mt-4_3_5.dll",
    "libzmq-v143-mt-4_3_5.dll",
    "libzmq-v142-mt-4_3_4.dll",
    "libzmq-v141-mt-4_3_4.dll",
    "libzmq-mt-4_3_4.dll",
  ],
};

const INSTALL_HINT = [
  "Install libzmq and try again:",
  "  Debian/Ubuntu: sudo apt-get install libzmq5",
  "  macOS:         brew install zeromq",
  "  Windows:       vcpkg install zeromq (and put libzmq*.dll on PATH)",
  `or run \`deno cache ${BUNDLED_PACKAGE}\` to use the copy inside the npm zeromq package,`,
  `or set ${LIBZMQ_ENV} to the full path of a libzmq shared library.`,
].join("\n");

let loaded: { symbols: Libzmq; info: LibzmqInfo } | undefined;

/**
 * @internal Whether a permission is granted, asked without a prompt: an optional look-up (an
 * environment variable, the C library) must not stop a program on a terminal to ask for it.
 */
export function granted(descriptor: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(descriptor).state === "granted";
}

/** @internal An environment variable, or undefined when unset, empty or not permitted. */
export function readEnv(name: string): string | undefined {
  // Without --allow-env for it, the variable simply does not count.
  return granted({ name: "env", variable: name }) ? Deno.env.get(name) || undefined : undefined;
}

function versionOf(symbols: Libzmq): [number, number, number] {
  const v = new Int32Array(3);
  symbols.zmq_version(v.subarray(0, 1), v.subarray(1, 2), v.subarray(2, 3));
  return [v[0], v[1], v[2]];
}

function tryOpen(path: string): Deno.DynamicLibrary<typeof SYMBOLS> {
  return Deno.dlopen(path, SYMBOLS);
}

/** The C library and the dlopen flags that pin an already loaded library (RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE). */
const PIN: Partial<Record<typeof Deno.build.os, { libc: string; flags: number }>> = {
  linux: { libc: "libc.so.6", flags: 0x2 | 0x4 | 0x1000 },
  darwin: { libc: "/usr/lib/libSystem.B.dylib", flags: 0x2 | 0x10 | 0x80 },
};

/**
 * A function of the loaded libzmq that ignores its arguments (`zmq_errno`), or null where the
 * system loader cannot be asked for it. Zero-copy sends pass it as the message's free function:
 * libzmq then counts references to the memory (with no free function it makes a "constant"
 * message that counts nothing), and the memory itself stays JS's to release.
 */
let ignoringFree: Deno.PointerValue = null;

/** @internal See {@link ignoringFree}; null until libzmq is loaded, or where it cannot be had. */
export function freeNothingFunction(): Deno.PointerValue {
  return ignoringFree;
}

/**
 * Keeps libzmq mapped until the process ends. Deno closes every library at exit, and an
 * uncaught error exits without the "unload" event in which the contexts are ended: libzmq's
 * I/O threads would then run unmapped code and crash the process (SIGSEGV instead of the
 * error's message). Asking the system loader for the library again with RTLD_NODELETE makes
 * that last dlclose leave it in place. Best effort: where it cannot be done, nothing changes.
 * The same handle gives {@link ignoringFree}.
 */
function pin(path: string): void {
  ignoringFree = null;
  const spec = PIN[Deno.build.os];
  if (!spec || !granted({ name: "ffi" })) return;
  let libc: Deno.DynamicLibrary<typeof LOADER>;
  try {
    libc = Deno.dlopen(spec.libc, LOADER);
  } catch {
    return;
  }
  try {
    const handle = libc.symbols.dlopen(encoder.encode(`${path}\0`), spec.flags);
    if (handle !== null) ignoringFree = libc.symbols.dlsym(handle, encoder.encode("zmq_errno\0"));
  } finally {
    libc.close();
  }
}

const LOADER = {
  dlopen: { parameters: ["buffer", "i32"], result: "pointer" },
  dlsym: { parameters: ["pointer", "buffer"], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

const encoder = new TextEncoder();

const BUNDLED_NAME = "zeromq";
const BUNDLED_VERSION = BUNDLED_PACKAGE.split("@").at(-1)!;

/** Deno's cache directory: `DENO_DIR`, else the OS default. */
function denoDir(): string | undefined {
  const explicit = readEnv("DENO_DIR");
  if (explicit) return explicit;
  const home = readEnv("HOME") ?? readEnv("USERPROFILE");
  switch (Deno.build.os) {
    case "darwin":
      return home && `${home}/Library/Caches/deno`;
    case "windows": {
      const local = readEnv("LOCALAPPDATA");
      return local && `${local}\\deno`;
    }
    default: {
      const cache = readEnv("XDG_CACHE_HOME") ?? (home && `${home}/.cache`);
      return cache && `${cache}/deno`;
    }
  }
}

/** Folders that may hold the pinned npm zeromq package. */
function bundledRoots(): string[] {
  const roots: string[] = [];
  const resolved = resolveZeromqPackageJson();
  const url = resolved === undefined ? undefined : new URL(resolved);
  if (url?.protocol === "file:") {
    roots.push(decodeURIComponent(url.pathname).replace(/\/package\.json$/, ""));
  }
  try {
    roots.push(`${Deno.cwd()}/node_modules/${BUNDLED_NAME}`);
  } catch { /* no read permission for cwd */ }
  const cache = denoDir();
  if (cache) roots.push(`${cache}/npm/registry.npmjs.org/${BUNDLED_NAME}/${BUNDLED_VERSION}`);
  return roots;
}

/** Lists the npm zeromq addon files that may hold libzmq, most capable builds first. */
function bundledCandidates(): string[] {
  const arch = Deno.build.arch === "aarch64" ? "arm64" : "x64";
  const os = Deno.build.os === "windows" ? "win32" : Deno.build.os;
  for (const root of bundledRoots()) {
    const dir = `${root}/build/${os}/${arch}/node`;
    let builds: string[];
    try {
      builds = [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name);
    } catch {
      continue;
    }
    // Release builds of newer ABIs carry CURVE; try them first, musl builds last.
    const rank = (name: string) =>
      (name.startsWith("glibc") ? 0 : name.startsWith("musl") ? 2 : 1) * 1000 -
      Number(name.match(/\d+/)?.[0] ?? 0);
    builds.sort((a, b) => rank(a) - rank(b));
    return builds.map((b) => `${dir}/${b}/addon.node`);
  }
  return [];
}

/**
 * Loads libzmq once per process and returns its symbols.
 *
 * Search order: `path`, then the `NETGEAR_LIBZMQ` environment variable (a file path, or
 * `bundled` to go straight to the npm copy), then the OS library names, then the libzmq inside
 * the npm `zeromq` package's native addon.
 *
 * @throws {Error} Listing every place tried and how to install libzmq.
 */
export function libzmq(path?: string): { symbols: Libzmq; info: LibzmqInfo } {
  if (loaded) return loaded;
  const tried: string[] = [];
  const explicit = path ?? readEnv(LIBZMQ_ENV);
  const attempt = (file: string, source: LibzmqInfo["source"]): boolean => {
    try {
      const lib = tryOpen(file);
      const version = versionOf(lib.symbols);
      if (version[0] < 4 || (version[0] === 4 && version[1] < 2)) {
        lib.close();
        tried.push(`${file}: version ${version.join(".")} is older than 4.2`);
        return false;
      }
      loaded = { symbols: lib.symbols, info: { path: file, source, version } };
      pin(file);
      return true;
    } catch (error) {
      if (
        error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied
      ) {
        throw error;
      }
      tried.push(`${file}: ${(error as Error).message.split("\n")[0]}`);
      return false;
    }
  };
  if (explicit && explicit !== "bundled") {
    if (attempt(explicit, "explicit")) return loaded!;
    throw new Error(`Cannot load libzmq from "${explicit}":\n  ${tried.join("\n  ")}`);
  }
  if (explicit !== "bundled") {
    for (const name of SYSTEM_NAMES[Deno.build.os] ?? SYSTEM_NAMES.linux) {
      if (attempt(name, "system")) return loaded!;
    }
  }
  if (loadBundled(tried)) return loaded!;
  throw new Error(`Cannot find libzmq. Tried:\n  ${tried.join("\n  ")}\n${INSTALL_HINT}`);
}

function loadBundled(tried: string[]): boolean {
  const candidates = bundledCandidates();
  if (candidates.length === 0) tried.push(`${BUNDLED_PACKAGE}: not in Deno's npm cache`);
  let fallback: { lib: Deno.DynamicLibrary<typeof SYMBOLS>; path: string } | undefined;
  for (const file of candidates) {
    let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
    try {
      lib = tryOpen(file);
    } catch (error) {
      tried.push(`${file}: ${(error as Error).message.split("\n")[0]}`);
      continue;
    }
    // Prefer a build with CURVE (secure mode); keep the first loadable one otherwise.
    if (lib.symbols.zmq_has(CURVE) === 1) {
      fallback?.lib.close();
      loaded = {
        symbols: lib.symbols,
        info: { path: file, source: "bundled", version: versionOf(lib.symbols) },
      };
      pin(file);
      return true;
    }
    if (fallback) lib.close();
    else fallback = { lib, path: file };
  }
  if (!fallback) return false;
  loaded = {
    symbols: fallback.lib.symbols,
    info: { path: fallback.path, source: "bundled", version: versionOf(fallback.lib.symbols) },
  };
  pin(fallback.path);
  return true;
}

const CURVE = encoder.encode("curve\0");
