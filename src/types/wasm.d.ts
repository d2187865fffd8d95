// Lets TypeScript import the compiled kernels deflated (scripts/build.mjs writes
// build/wasm/*.wasm.deflate): esbuild's binary loader and the vitest plugin both turn such an
// import into its bytes.
declare module '*.wasm.deflate' {
  const bytes: Uint8Array;
  export default bytes;
}
