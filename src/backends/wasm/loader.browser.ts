// What the browser builds take for @assemblyscript/loader (scripts/build.mjs aliases it here):
// kernel.ts calls its instantiate and instantiateSync on a compiled module and reads the
// instance's own exports, so the loader's additions (env.abort, trace and seed imports, which
// the kernels never import under asc's stub runtime with noAssert, and wrappers of the
// exports, which kernel.ts does not read) do nothing there; WebAssembly's own calls do the
// same for 5.7 KB less in every page. The Node builds keep the loader.
export async function instantiate(module: WebAssembly.Module, imports: WebAssembly.Imports = {}): Promise<{ instance: WebAssembly.Instance }> {
  return { instance: await WebAssembly.instantiate(module, imports) };
}

export function instantiateSync(module: WebAssembly.Module, imports: WebAssembly.Imports = {}): { instance: WebAssembly.Instance } {
  return { instance: new WebAssembly.Instance(module, imports) };
}
