// Worker threads for the wasm kernel, what every page needs of them: the platform's way to
// start a worker thread, and whether this thread may block (whether `threads` > 1 can run
// here is thread-support.ts's, which only nets with threads load). Node spawns worker_threads
// (plugged in by src/platform/node.ts); a browser spawns Workers (thread-pool.ts, the pool,
// loaded by the first net with threads), which need a cross-origin-isolated page for shared
// memory.

/** What a worker needs to join a net: it instantiates `module` on `memory`, then work(net, session). */
export interface AttachMessage {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  net: number;
  session: number;
}

/** One started worker thread, as a platform gives it to the pool. */
export interface ThreadHandle {
  /** Resolves once the worker listens for attach messages; rejects if it cannot start. */
  readonly ready: Promise<void>;
  attach(message: AttachMessage): void;
  /** Resolves once the thread has ended. */
  terminate(): Promise<void>;
}

/** Starts one worker; `onFailure` is called if it fails after starting. */
export type Spawner = (onFailure: () => void) => ThreadHandle;

/** The platform's spawner (Node's, plugged in); undefined in a browser, whose is the pool's own (thread-pool.ts). */
let spawner: Spawner | undefined;

export function useSpawner(next: Spawner): void {
  spawner = next;
}

/** The spawner a platform plugged in, if any. */
export function platformSpawner(): Spawner | undefined {
  return spawner;
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
export function canBlock(): boolean {
  return !(typeof window !== 'undefined' && typeof document !== 'undefined');
}

