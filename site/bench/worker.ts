// The benchmark page's worker: times the requested rows of bench/workloads.ts with
// bench/measure.ts, the very code `npm run bench` runs, on the library's browser bundle, and
// posts progress and each row's record.
import * as library from '../shared/library.ts';
import { measure, MismatchError } from '../../bench/measure.ts';
import { WORKLOADS } from '../../bench/workloads.ts';
import type { RunRequest, WorkerMessage } from './protocol.ts';

const post = (message: WorkerMessage) => postMessage(message);

onmessage = async ({ data }: MessageEvent<RunRequest>) => {
  try {
    const files = { digitsCSV: () => data.digitsCSV };
    for (const name of data.rows) {
      const workload = WORKLOADS.find((w) => w.name === name);
      if (!workload) throw new Error(`no workload named ${name}`);
      const record = await measure(library, workload, files, data.runs ?? workload.runs, (step) => post({ type: 'progress', ...step }));
      post({ type: 'record', record });
    }
    post({ type: 'done' });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error), mismatch: error instanceof MismatchError });
  }
};
