/** imagescript 1.3.1's WebAssembly JPEG decoder (`wasm/any/jpeg.wasm`), compiled. */
declare const jpegWasm: WebAssembly.Module;
export default jpegWasm;
