// Owns the rule that decides whether a call of a `threads` net borrows its worker threads:
// only when some job of the call is large enough for the kernel to split it (the kernel's own
// per-job rule, PARALLEL_* in src/backends/layout.ts). Otherwise the call runs on the calling
// thread alone, as with `threads: 1`, and no worker is woken, attached or kept spinning for
// it. The rule reads only the net's shape and the call's rows, so it is deterministic, and
// it never changes a result (threads give the same bits for any count).
import { PARALLEL_MIN_ROWS, PARALLEL_WORK } from '../layout.ts';

/**
 * Whether a call over `rows` rows at a time (a fit's batch, a predict's block) of a net with
 * layer sizes `sizes` ([inputs, hidden..., outputs]) has a job the kernel splits across threads.
 */
export function splitsJobs(sizes: readonly number[], rows: number): boolean {
  if (rows < PARALLEL_MIN_ROWS) return false;
  for (let l = 1; l < sizes.length; l++) if (rows * sizes[l - 1]! * sizes[l]! >= PARALLEL_WORK) return true;
  return false;
}
