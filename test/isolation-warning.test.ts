// The browser build asked for threads on a page that is not cross-origin isolated: it runs on
// one thread and warns, naming the two response headers that would isolate the page. Run in
// Node on the browser entry (no Node platform plugged in), where crossOriginIsolated is unset
// as on such a page.
import { afterEach, expect, it, vi } from 'vitest';
import { MLP } from '../src/browser.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

it('threads on a page that is not cross-origin isolated: one thread, and a warning naming COOP and COEP', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const net = await MLP.create({ layers: [2, 3, 1], threads: 2, seed: 1 });
  try {
    expect(net.threads).toBe(1);
    expect(warn.mock.calls).toEqual([
      ['wasm-mlp: running on one thread instead of 2: the page is not cross-origin isolated: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp'],
    ]);
  } finally {
    net.dispose();
  }
});
