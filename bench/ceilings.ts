// The machine's own ceilings, which `npm run bench` measures in the same run as its workloads
// so that a figure reads the same on a fast and a slow host: the SIMD peak of one core (the
// register-only multiply-add loops of assembly/bench/peak.ts, built beside the bench as
// peak.wasm) and the parallel capacity (two one-thread fits of a workload at once, each in a
// process of its own with its own net, against the workload's threads row). Node only.
import { readFileSync } from 'node:fs';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type * as library from '../src/index.ts';
import { spread } from './stats.ts';
import type { Data, Workload } from './workloads.ts';

const median = (values: readonly number[]) => spread(values).median;

/** The one-core SIMD peaks in GFLOP/s: medians over runs spread across the bench. */
export interface Peak {
  f64x2: number;
  f32x4: number;
}

interface PeakExports {
  peakF64x2(iterations: number, seed: number): number;
  peakF32x4(iterations: number, seed: number): number;
  F64X2_FLOPS_PER_ITERATION: WebAssembly.Global;
  F32X4_FLOPS_PER_ITERATION: WebAssembly.Global;
}

/** Each timed peak run lasts about this long. */
const PEAK_RUN_SECONDS = 0.04;

/**
 * Times the peak loops: `sample()` adds `runs` interleaved runs of each (call it between the
 * workloads, so that a load that changes during the bench weighs on both alike), and
 * `result()` gives the medians.
 */
export function peakMeter(): { sample(runs: number): void; result(): Peak } {
  const module = new WebAssembly.Module(readFileSync(new URL('./peak.wasm', import.meta.url)));
  const e = new WebAssembly.Instance(module, {}).exports as unknown as PeakExports;
  const kinds = [
    { name: 'f64x2' as const, run: (n: number) => e.peakF64x2(n, 1e-3), flops: Number(e.F64X2_FLOPS_PER_ITERATION.value) },
    { name: 'f32x4' as const, run: (n: number) => e.peakF32x4(n, 1e-3), flops: Number(e.F32X4_FLOPS_PER_ITERATION.value) },
  ];
  const rates: Record<keyof Peak, number[]> = { f64x2: [], f32x4: [] };
  // Iterations per run, calibrated once (after a warm-up that gets the loops compiled).
  const iterations = kinds.map((k) => {
    k.run(1e5);
    const start = performance.now();
    k.run(1e6);
    return Math.max(1e5, Math.round((1e6 * PEAK_RUN_SECONDS * 1000) / Math.max(performance.now() - start, 1e-3)));
  });
  return {
    sample(runs) {
      for (let r = 0; r < runs; r++) {
        kinds.forEach((k, i) => {
          const start = performance.now();
          k.run(iterations[i]!);
          rates[k.name].push((iterations[i]! * k.flops) / ((performance.now() - start) * 1e6));
        });
      }
    },
    result: () => ({ f64x2: median(rates.f64x2), f32x4: median(rates.f32x4) }),
  };
}

/** The peak a workload's figures are held against: its dtype's lanes (float64 unless it says). */
export const peakOf = (w: Pick<Workload, 'create'>, peak: Peak): number =>
  (w.create as { dtype?: string }).dtype === 'float32' ? peak.f32x4 : peak.f64x2;

/** One round of two one-thread fits at once: samples/s of each side and in all. */
export interface CapacityRound {
  each: [number, number];
  total: number;
}

/** Each side of a capacity round fits nets back to back for at least this long. */
const CAPACITY_SECONDS = 1.5;

/** The environment variable that makes the bench's module a capacity process, naming its workload. */
export const CAPACITY_WORKLOAD_VARIABLE = 'WASM_MLP_BENCH_CAPACITY_WORKLOAD';
type CapacityReply = { ready: true } | { samples: number; seconds: number };

/** A capacity process's side of its channel to the bench (process.send and its 'message' events). */
export interface CapacityChannel {
  send(reply: CapacityReply): void;
  once(event: 'message', listener: (message: unknown) => void): void;
}

/**
 * One round of two processes fitting workload `w` (on one thread each, every fit a fresh net)
 * at the same time; each side's samples/s is its samples over its own fitting time. Processes,
 * as the issue defines the capacity: each fits on its main thread, as the bench's rows do.
 * `script` is the bench's own module, which serves as the process (runCapacityProcess). The
 * bench runs a round after each round of the threads row, so both see the same load.
 */
export async function capacityRound(script: URL, w: Workload): Promise<CapacityRound> {
  const workers = [0, 1].map(() =>
    fork(fileURLToPath(script), [], { env: { ...process.env, [CAPACITY_WORKLOAD_VARIABLE]: w.name }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
  );
  try {
    const replies = workers.map((worker) => {
      const queue: CapacityReply[] = [];
      const waiting: ((reply: CapacityReply) => void)[] = [];
      worker.on('message', (reply: CapacityReply) => (waiting.length ? waiting.shift()!(reply) : queue.push(reply)));
      const failed = new Promise<never>((_, reject) => {
        worker.on('error', reject);
        worker.on('exit', (code) => reject(new Error(`capacity process exited (code ${code})`)));
      });
      return () => Promise.race([queue.length ? Promise.resolve(queue.shift()!) : new Promise<CapacityReply>((resolve) => waiting.push(resolve)), failed]);
    });
    await Promise.all(replies.map((next) => next())); // both ready (warmed up)
    workers.forEach((worker) => worker.send('go'));
    const results = (await Promise.all(replies.map((next) => next()))) as { samples: number; seconds: number }[];
    const [a, b] = results.map((r) => r.samples / r.seconds) as [number, number];
    return { each: [a, b], total: a + b };
  } finally {
    for (const worker of workers) worker.kill();
  }
}

/**
 * The process side of capacityRound: one warm-up fit, 'ready', then on 'go' fits fresh nets
 * of the workload on one thread for CAPACITY_SECONDS and answers with its samples and seconds.
 */
export async function runCapacityProcess(lib: typeof library, w: Workload, data: Data, port: CapacityChannel): Promise<void> {
  const create = { ...w.create, threads: 1, layers: w.layers, seed: w.seed, backend: 'wasm' as const };
  const fit = { epochs: w.epochs, learningRate: w.learningRate, batchSize: w.batchSize };
  const inputs = { data: data.inputs, rows: data.rows };
  const targets = { data: data.targets, rows: data.rows };
  const once = async (): Promise<number> => {
    const net = await lib.MLP.create(create);
    const start = performance.now();
    net.fit(inputs, targets, fit);
    const seconds = (performance.now() - start) / 1000;
    net.dispose();
    return seconds;
  };
  await once();
  port.send({ ready: true });
  await new Promise((resolve) => port.once('message', resolve));
  let seconds = 0;
  let samples = 0;
  const start = performance.now();
  while (performance.now() - start < CAPACITY_SECONDS * 1000) {
    seconds += await once();
    samples += data.rows * w.epochs;
  }
  port.send({ samples, seconds });
}
