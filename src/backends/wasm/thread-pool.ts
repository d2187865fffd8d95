// The worker threads' pool for the wasm kernel: one per process, shared by every net, as large
// as the largest `threads` asked for less one (the calling thread takes part 0 of every job).
// A worker stays attached to the last net that used it, running that net's work() loop on its
// shared memory, until another net's call takes it over; idle workers end after IDLE_MS.
// Loaded by the first net with threads (create-backend.ts). Workers start with the platform's
// spawner (threads.ts), in a browser with the Worker below. It also makes the shared memories
// a threads net runs on, and moves a net to a larger one.
import { MLPError } from '../../api/errors.ts';
import { formatBytes } from '../../api/validate.ts';
import { JOB_QUIT, SESSION_STEP, SYNC_ADMITTED, SYNC_GENERATION, SYNC_JOB, SYNC_LOBBY } from '../layout.ts';
import { MAX_PAGES, PAGE_BYTES, type Kernel, type KernelExports, type SharedKernelMemory } from './kernel.ts';
import { platformSpawner, type Spawner, type ThreadHandle } from './threads.ts';

export { threadsUnavailable } from './thread-support.ts';

/** The script a browser Worker runs (Node's twin is in src/platform/node.ts). */
const BROWSER_WORKER = `onmessage = ({ data: { module, memory, net, session } }) => {
  new WebAssembly.Instance(module, { env: { memory } }).exports.work(net, session);
};
postMessage('ready');`;

const browserSpawner: Spawner = (onFailure) => {
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (e) => {
      reject(new MLPError('INTERNAL', `a wasm-mlp worker failed to start: ${e.message}`));
      onFailure();
    };
  });
  return {
    ready,
    attach: (message) => worker.postMessage(message),
    terminate: async () => worker.terminate(),
  };
};

/** Starts one worker thread with the platform's spawner. */
function spawnThread(onFailure: () => void): ThreadHandle {
  return (platformSpawner() ?? browserSpawner)(onFailure);
}

/**
 * A net's side of the pool: its shared memory and job block, and the workers attached to
 * it. It refers to no net, so it can outlive one and detach its workers when it is dropped.
 */
export class Attachment {
  memory: WebAssembly.Memory | undefined;
  readonly workers = new Set<PoolWorker>();

  constructor(
    memory: WebAssembly.Memory,
    readonly module: WebAssembly.Module,
    /** Byte address of the net's descriptor. */
    readonly net: number,
    /** i32 index of the job block (NetLayout.sync * 2). */
    readonly sync: number,
  ) {
    this.memory = memory;
    liveAttachments++;
  }
}

interface PoolWorker {
  handle: ThreadHandle;
  attachment: Attachment | undefined;
  /** The memories it was attached to, and their bytes then (see RETIRE_BYTES). */
  visited: WeakSet<WebAssembly.Memory>;
  visitedNets: number;
  visitedBytes: number;
}

/**
 * A worker frees the memories of the nets it visited only when its engine collects garbage,
 * which an idle thread seldom does; so after this many nets, or this many of their bytes, it
 * is replaced by a new one, whose end frees them all.
 */
const RETIRE_NETS = 64;
const RETIRE_BYTES = 256 * 2 ** 20;

/** Idle time after which the pool's workers end (a later call starts them again). */
export const IDLE_MS = 5000;

const workers: PoolWorker[] = [];
/** Retired workers whose threads have not ended yet: they count against the pool's size. */
let retiring = 0;
let lastUse = 0;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/** The pool's workers now (for tests and diagnosis). */
export function poolSize(): number {
  return workers.length;
}

/** Nets whose attachment is live: neither disposed nor collected (for tests and diagnosis). */
export let liveAttachments = 0;

/** Nets with workers attached now (for tests and diagnosis). */
export function attachedNets(): number {
  return new Set(workers.map((w) => w.attachment).filter((a) => a !== undefined)).size;
}

/** Grows the pool to `count` workers and waits until every one of them runs. */
export async function startWorkers(count: number): Promise<void> {
  while (workers.length < count) spawn();
  touch();
  await Promise.all(workers.map((w) => w.handle.ready));
}

function spawn(): PoolWorker {
  const worker: PoolWorker = { handle: undefined as unknown as ThreadHandle, attachment: undefined, visited: new WeakSet(), visitedNets: 0, visitedBytes: 0 };
  worker.handle = spawnThread(() => drop(worker));
  worker.handle.ready.catch(() => drop(worker));
  workers.push(worker);
  return worker;
}

/** Ends a worker that is attached to no net; a later call starts its replacement. */
function retire(worker: PoolWorker): void {
  drop(worker);
  retiring++;
  void worker.handle.terminate().finally(() => retiring--);
}

function drop(worker: PoolWorker): void {
  const at = workers.indexOf(worker);
  if (at >= 0) workers.splice(at, 1);
  worker.attachment?.workers.delete(worker);
  worker.attachment = undefined;
}

/**
 * Before a kernel call of the net behind `attachment`: attaches up to `want` workers to it,
 * taking them from other nets if need be, and starting more while the pool is smaller than
 * `want`. Returns at once: the workers join the net's jobs when they arrive (the kernel
 * admits them between jobs), so a call never waits for a worker that has not arrived.
 */
export function enlist(attachment: Attachment, want: number): void {
  touch();
  if (attachment.workers.size >= want || attachment.memory === undefined) return;
  const ints = new Int32Array(attachment.memory.buffer);
  const session = Atomics.load(ints, attachment.sync + SYNC_LOBBY) & ~(SESSION_STEP - 1);
  while (workers.length + retiring < want) spawn();
  // Free workers first, then those of other nets (a net's workers leave it together).
  const candidates = [...workers.filter((w) => w.attachment === undefined), ...workers.filter((w) => w.attachment !== undefined && w.attachment !== attachment)];
  for (const worker of candidates) {
    if (attachment.workers.size >= want) break;
    if (worker.attachment !== undefined) detach(worker.attachment);
    const { memory } = attachment;
    if (!worker.visited.has(memory)) {
      if (worker.visitedNets >= RETIRE_NETS || worker.visitedBytes >= RETIRE_BYTES) {
        retire(worker);
        continue;
      }
      worker.visited.add(memory);
      worker.visitedNets++;
      worker.visitedBytes += memory.buffer.byteLength;
    }
    worker.attachment = attachment;
    attachment.workers.add(worker);
    worker.handle.attach({ module: attachment.module, memory: attachment.memory, net: attachment.net, session });
  }
}

/**
 * Sends the net's workers back to the pool: ends their session (workers still on their way
 * will not join it) and wakes them with JOB_QUIT so that work() returns. Between kernel calls only.
 */
export function detach(attachment: Attachment): void {
  for (const worker of attachment.workers) worker.attachment = undefined;
  attachment.workers.clear();
  if (attachment.memory === undefined) return;
  const ints = new Int32Array(attachment.memory.buffer);
  const at = attachment.sync;
  // The session ends before the wake-up: a worker that wakes sees it ended (assembly/layout.ts).
  const next = ((Atomics.load(ints, at + SYNC_LOBBY) & ~(SESSION_STEP - 1)) + SESSION_STEP) | 0;
  Atomics.store(ints, at + SYNC_LOBBY, next);
  Atomics.store(ints, at + SYNC_ADMITTED, next);
  Atomics.notify(ints, at + SYNC_ADMITTED);
  ints[at + SYNC_JOB] = JOB_QUIT;
  Atomics.add(ints, at + SYNC_GENERATION, 1);
  Atomics.notify(ints, at + SYNC_GENERATION);
}

/** The net is gone (disposed or collected): detach its workers and let its memory go. */
export function release(attachment: Attachment): void {
  if (attachment.memory === undefined) return;
  detach(attachment);
  attachment.memory = undefined;
  liveAttachments--;
}

/** Marks the pool used now, and arms the timer that ends it after IDLE_MS without use. */
function touch(): void {
  lastUse = Date.now();
  if (idleTimer === undefined) armIdleTimer(IDLE_MS);
}

function armIdleTimer(delay: number): void {
  idleTimer = setTimeout(() => {
    idleTimer = undefined;
    const idle = Date.now() - lastUse;
    if (idle < IDLE_MS) armIdleTimer(IDLE_MS - idle);
    else endPool();
  }, delay);
  // An idle pool must never hold a Node process open.
  (idleTimer as { unref?: () => void }).unref?.();
}

/** Ends every worker: each net falls back to fewer threads until its next call starts more. */
export function endPool(): void {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = undefined;
  for (const worker of workers.splice(0)) {
    // Wake it with JOB_QUIT first: a thread asleep in atomic.wait may never notice terminate().
    if (worker.attachment) detach(worker.attachment);
    worker.handle.terminate();
  }
}

/** Collected nets give their workers back and their memory up (see backend-wasm.ts). */
export const reclaim = new FinalizationRegistry<Attachment>(release);

/** The smallest maximum a shared memory falls back to (16 MiB). */
const SMALLEST_SHARED_MAXIMUM = 256;

/**
 * A shared memory of `pages`, able to grow in place to 4 GiB like a one-thread net's memory, so
 * that a net's data never makes it move (a copy of every byte, ~10 ms for a 784-256-10 net's
 * first fit). The engine reserves the maximum as address space up front; where it cannot (a
 * 32-bit engine, or a browser's wasm address space taken by other memories), one that can grow
 * to `fallback` pages, and a net that outgrows it moves to a larger one.
 */
function sharedMemory(pages: number, fallback: number): SharedKernelMemory {
  for (const maximum of [MAX_PAGES, fallback]) {
    try {
      return { memory: new WebAssembly.Memory({ initial: pages, maximum, shared: true }), maximumBytes: maximum * PAGE_BYTES };
    } catch {
      // the next, smaller maximum
    }
  }
  throw new MLPError('OUT_OF_MEMORY', `could not reserve a shared WebAssembly memory of ${formatBytes(fallback * PAGE_BYTES)} for threads; dispose() nets you no longer use, or use threads: 1`);
}

/** The shared memory a new threads net starts on (one page; see sharedMemory for its maximum). */
export function firstSharedMemory(): SharedKernelMemory {
  return sharedMemory(1, SMALLEST_SHARED_MAXIMUM);
}

/**
 * The threads kernel moved to a new shared memory of at least `bytes`, with room to grow
 * (twice that, where 4 GiB cannot be reserved): a copy of every byte of the old one, tables
 * included.
 */
export function moveKernel(module: WebAssembly.Module, old: WebAssembly.Memory, bytes: number): Kernel {
  const pages = Math.ceil(bytes / PAGE_BYTES);
  const { memory, maximumBytes } = sharedMemory(pages, Math.min(MAX_PAGES, Math.max(SMALLEST_SHARED_MAXIMUM, 2 * pages)));
  new Uint8Array(memory.buffer).set(new Uint8Array(old.buffer));
  // The kernels import nothing but the threads build's memory (asc's stub runtime, noAssert).
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  return { exports, module, maximumBytes };
}
