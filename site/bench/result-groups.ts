// The benchmark's records arranged for display: one group per fit (same net, data and
// hyperparameters), holding the variants' speeds (wasm SIMD, wasm scalar, js, and a
// multi-threaded row of the same fit as one more bar) and the ratios between them.
import type { BenchRecord } from '../../bench/measure.ts';

export interface Speed {
  label: string;
  /** The label in a table column under "samples/s". */
  short: string;
  samplesPerSecond: number;
}

export interface Ratio {
  /** e.g. 'wasm/js', 'threads 2/1'. */
  key: string;
  label: string;
  value: number;
}

export interface ResultGroup {
  /** The single-thread row's workload name. */
  workload: string;
  layers: string;
  batchSize: number;
  about: string;
  speeds: Speed[];
  ratios: Ratio[];
}

const VARIANT_LABELS: Record<string, [string, string]> = { wasm: ['wasm SIMD', 'SIMD'], 'wasm scalar': ['wasm scalar', 'scalar'], js: ['js', 'js'] };
const RATIO_LABELS: Record<string, string> = { 'wasm/js': 'wasm / js', 'wasm scalar/js': 'scalar / js', 'wasm/wasm scalar': 'SIMD / scalar' };

const threadsOf = (r: BenchRecord) => r.create.threads ?? 1;

/** The fit a record times, whatever threads it uses. */
const fitKey = (r: BenchRecord) => JSON.stringify([r.layers, r.batchSize, r.epochs, r.learningRate, r.seed, r.samples, { ...r.create, threads: undefined }]);

export function groupRecords(records: readonly BenchRecord[]): ResultGroup[] {
  const groups = new Map<string, BenchRecord[]>();
  for (const r of records) groups.set(fitKey(r), [...(groups.get(fitKey(r)) ?? []), r]);
  return [...groups.values()].map((members) => {
    const base = members.find((r) => threadsOf(r) === 1) ?? members[0];
    const speeds: Speed[] = Object.entries(base.variants).map(([name, v]) => {
      const [label, short] = VARIANT_LABELS[name] ?? [name, name];
      return { label, short, samplesPerSecond: v.samplesPerSecond.median };
    });
    const ratios: Ratio[] = Object.entries(base.ratios).map(([key, r]) => ({ key, label: RATIO_LABELS[key] ?? key, value: r.median }));
    for (const r of members) {
      if (r === base || !r.variants.wasm) continue;
      const threads = threadsOf(r);
      speeds.push({ label: `wasm SIMD, ${threads} threads`, short: `${threads} threads`, samplesPerSecond: r.variants.wasm.samplesPerSecond.median });
      if (base.variants.wasm && threadsOf(base) === 1) {
        ratios.push({ key: `threads ${threads}/1`, label: `${threads} threads / 1`, value: r.variants.wasm.samplesPerSecond.median / base.variants.wasm.samplesPerSecond.median });
      }
    }
    return { workload: base.workload, layers: base.layers.join('-'), batchSize: base.batchSize, about: base.about, speeds, ratios };
  });
}
