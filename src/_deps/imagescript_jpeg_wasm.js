// @ts-self-types="./imagescript_jpeg_wasm.d.ts"
// imagescript's WebAssembly JPEG decoder, compiled and not yet instantiated (a source phase
// import). It comes through the module graph, like any import, so it needs no --allow-read:
// imagescript's own loader (wasm/node/jpeg.js) reads the file from Deno's npm cache at run time.
// JavaScript, because TypeScript cannot parse `import source` yet.
// deno-lint-ignore-file no-import-prefix

import source jpegWasm from "npm:imagescript@1.3.1/wasm/any/jpeg.wasm";

export default jpegWasm;
