// Whether `threads` > 1 can run here, and if not, why, in words a page's author can act on.
// Only nets with threads ask (through the thread pool's piece, or a worker net's opening), so
// the browser bundle's core leaves it out.
import { platformSpawner } from './threads.ts';

/** The response headers that make a page cross-origin isolated, so that it may share memory with Workers. */
export const ISOLATION_HEADERS = ['Cross-Origin-Opener-Policy: same-origin', 'Cross-Origin-Embedder-Policy: require-corp'] as const;

/** Why `threads` > 1 cannot run here, or undefined when it can. */
export function threadsUnavailable(): string | undefined {
  const spawner = platformSpawner();
  if (typeof SharedArrayBuffer === 'undefined') return 'this engine has no SharedArrayBuffer';
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (spawner === undefined && isolated !== true) return `the page is not cross-origin isolated: serve it with the headers ${ISOLATION_HEADERS.join(' and ')}`;
  if (spawner === undefined && typeof Worker === 'undefined') return 'this engine has no Web Workers';
  return undefined;
}
