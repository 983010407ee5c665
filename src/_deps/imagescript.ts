// imagescript, pinned here and nowhere else in the library's source, and only ever loaded on first
// use: its npm build loads a native codec addon and reads the environment when it loads.
//
// Fully qualified, so that the library resolves the same way from a file, a URL or JSR, whatever
// import map the consumer has (the repo's deno.json is not consulted then). deno lint's
// no-import-prefix asks for bare specifiers, which only this repo's deno.json could resolve.
// deno-lint-ignore-file no-import-prefix

export type { Image } from "npm:imagescript@1.3.1";

/** The imagescript module. */
export type ImageScript = typeof import("npm:imagescript@1.3.1");

/** Loads imagescript (its `Image`, `Frame` and font helpers). */
export function importImagescript(): Promise<ImageScript> {
  return import("npm:imagescript@1.3.1");
}

/**
 * Loads imagescript's native codec addon (its JPEG encoder) and its wasm JPEG decoder, compiled
 * but not instantiated. Neither needs --allow-read: both come through the module graph.
 */
export async function importImagescriptJpeg(): Promise<[{ default: unknown }, WebAssembly.Module]> {
  const [native, wasm] = await Promise.all([
    import("npm:imagescript@1.3.1/codecs/node/index.js"),
    import("./imagescript_jpeg_wasm.js"),
  ]);
  return [native, wasm.default];
}
