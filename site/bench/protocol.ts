// The messages between the benchmark page and its worker, which runs the timing loop off the
// page's thread so the page stays responsive and the timings are not interrupted by painting.
import type { BenchRecord } from '../../bench/measure.ts';

export interface RunRequest {
  /** Workload names, in order. */
  rows: string[];
  /** Timed runs per row; undefined: each row's own count, as `npm run bench` uses. */
  runs: number | undefined;
  /** examples/data/digits.csv, fetched by the page. */
  digitsCSV: string;
}

export type WorkerMessage =
  | { type: 'progress'; workload: string; variant: string; run: number; runs: number }
  | { type: 'record'; record: BenchRecord }
  | { type: 'done' }
  | { type: 'failed'; message: string; mismatch: boolean };
