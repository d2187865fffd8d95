// Rows forward through the net, in chunks: predict, predictInto, predictClass and evaluate
// stream any number of rows through a buffer of about CHUNK_ELEMENTS doubles, so memory does
// not grow with the row count. Every output is checked finite: on finite inputs a net either
// answers with finite numbers or the call throws, naming the row.
import { MLPError } from './errors.ts';
import type { NetMemory } from './net-memory.ts';
import { copyRows, type RowShape } from './rows.ts';
import type { Normalization } from '../data/normalize.ts';
import type { Floats } from '../backends/layout.ts';

/** Doubles of rows and outputs one chunk may take (8 MiB). */
const CHUNK_ELEMENTS = 1 << 20;

/** Called once per chunk with the memory, where the chunk's outputs start, its first row and its row count. */
export type ChunkVisitor = (memory: Floats, outputs: number, first: number, count: number) => void;

function chunkRows(rows: number, widths: number): number {
  return Math.max(1, Math.min(rows, Math.floor(CHUNK_ELEMENTS / widths)));
}

/** Runs the rows of `shape` forward and hands each chunk's checked outputs to `visit`. */
export function forwardRows(memory: NetMemory, shape: RowShape, normalization: Normalization | null, visit: ChunkVisitor): void {
  const { layout, backend } = memory;
  const nIn = layout.inputSize;
  const nOut = layout.outputSize;
  const chunk = chunkRows(shape.rows, nIn + nOut);
  const start = memory.take(chunk * (nIn + nOut));
  try {
    const out = start + chunk * nIn;
    for (let first = 0; first < shape.rows; first += chunk) {
      const count = Math.min(chunk, shape.rows - first);
      copyRows(shape, first, count, memory.floats(), start, normalization, 'input', memory.largestMagnitude);
      backend.evaluate(layout.net, start, -1, count, out, -1, 0);
      const m = memory.floats();
      checkOutputs(memory, m, out, first, count, nOut, shape.argument);
      visit(m, out, first, count);
    }
  } finally {
    memory.release(start);
  }
}

export interface Scores {
  /** Sum of the rows' losses, in row order (the mean is sum / rows). */
  lossSum: number;
  correct: number;
}

/**
 * Runs labelled rows forward, accumulating the loss and correct count across chunks exactly
 * as one kernel call would, and hands each chunk's outputs and targets to `visit`.
 */
export function scoreRows(
  memory: NetMemory,
  inputs: RowShape,
  targets: RowShape,
  normalization: Normalization | null,
  visit: (memory: Floats, outputs: number, targets: number, first: number, count: number) => void,
): Scores {
  const { layout, backend } = memory;
  const nIn = layout.inputSize;
  const nOut = layout.outputSize;
  const chunk = chunkRows(inputs.rows, nIn + 2 * nOut);
  const start = memory.take(chunk * (nIn + 2 * nOut) + layout.elementsForDoubles(3));
  try {
    const y = start + chunk * nIn;
    const out = y + chunk * nOut;
    const stats = layout.alignDouble(out + chunk * nOut);
    for (let first = 0; first < inputs.rows; first += chunk) {
      const count = Math.min(chunk, inputs.rows - first);
      let m = memory.floats();
      copyRows(inputs, first, count, m, start, normalization, 'input', memory.largestMagnitude);
      copyRows(targets, first, count, m, y, null, 'output', memory.largestMagnitude);
      backend.evaluate(layout.net, start, y, count, out, stats, first === 0 ? 0 : 1);
      m = memory.floats();
      checkOutputs(memory, m, out, first, count, nOut, inputs.argument);
      visit(m, out, y, first, count);
    }
    const d = memory.doubles();
    const at = layout.double(stats);
    return { lossSum: d[at], correct: d[at + 1] };
  } finally {
    memory.release(start);
  }
}

/** The first of `rows` rows already in memory at `x` whose outputs are not all finite, or -1. */
export function firstNonFiniteRow(memory: NetMemory, x: number, rows: number): number {
  const { layout, backend } = memory;
  const nIn = layout.inputSize;
  const nOut = layout.outputSize;
  const chunk = chunkRows(rows, nOut);
  const out = memory.take(chunk * nOut);
  try {
    for (let first = 0; first < rows; first += chunk) {
      const count = Math.min(chunk, rows - first);
      backend.evaluate(layout.net, x + first * nIn, -1, count, out, -1, 0);
      const m = memory.floats();
      for (let i = 0; i < count * nOut; i++) {
        if (!(m[out + i] - m[out + i] === 0)) return first + Math.floor(i / nOut);
      }
    }
    return -1;
  } finally {
    memory.release(out);
  }
}

/** The kernel's scan first; on a non-finite output, this loop names its row. */
function checkOutputs(memory: NetMemory, m: Floats, out: number, first: number, count: number, width: number, argument: string): void {
  if (memory.largestMagnitude(out, count * width) <= Number.MAX_VALUE) return;
  const end = out + count * width;
  for (let i = out; i < end; i++) {
    const v = m[i];
    if (!(v - v === 0)) {
      const row = first + Math.floor((i - out) / width);
      throw new MLPError('OVERFLOW', `the net's output ${(i - out) % width} for ${argument}[${row}] is ${v}: its weights are too large for this row (the net is unchanged)`);
    }
  }
}
