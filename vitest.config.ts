// Test runner setup: `.wasm.deflate` imports load the freshly built kernels' deflated bytes,
// as esbuild's binary loader does for the published bundles.
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    {
      name: 'kernel-bytes',
      enforce: 'pre',
      load(id) {
        if (!id.endsWith('.wasm.deflate')) return null;
        const base64 = readFileSync(id).toString('base64');
        return `export default new Uint8Array(Buffer.from(${JSON.stringify(base64)}, 'base64'));`;
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
