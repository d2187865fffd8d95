// Lets TypeScript import the compiled kernels: esbuild (binary loader) and the vitest plugin
// both turn a `.wasm` import into its bytes; a `.wasm.deflate` import (the standalone browser
// build only) gives the deflated bytes.
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module '*.wasm.deflate' {
  const bytes: Uint8Array;
  export default bytes;
}
