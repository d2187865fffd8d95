// The library as the pages use it. Types come from the sources; at run time the site build
// (scripts/build-site.mjs) points this import at ./wasm-mlp.js, the published browser bundle
// served beside the pages, so the site runs exactly what users get and worker nets can start
// from that one file.
export * from '../../src/browser.ts';
