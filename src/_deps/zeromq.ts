// The npm zeromq package, pinned here and nowhere else in the library's source. It is never
// imported: its native addon is only searched for a copy of libzmq (src/zmq/_ffi.ts), in Deno's npm
// cache or a node_modules folder. The repo's deno.json names the same version so that
// `deno install` fetches it (tests/packaging_test.ts checks that they agree).

/** The npm package whose native addon carries a copy of libzmq. */
export const ZEROMQ_PACKAGE = "npm:zeromq@6.8.0";

/**
 * Where Deno resolves the package's `package.json` from here: a `file:` URL when the package is
 * in Deno's npm cache or a `node_modules` folder (or embedded by `deno compile`), else another
 * URL or undefined. A literal specifier, so that `deno publish` and `deno compile` can see it.
 */
export function resolveZeromqPackageJson(): string | undefined {
  try {
    return import.meta.resolve("npm:zeromq@6.8.0/package.json");
  } catch {
    return undefined;
  }
}
