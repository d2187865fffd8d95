// What a fit on a DataSource (fitAsync(source, options)) checks before it starts: its options
// (the ones that cannot apply to a source, validation arrays' shapes) and the columns the
// source describes, as strictly as a Dataset's; and the scratch its batches need. Part of the
// stream-training lazy piece, so that a page that never streams does not carry these checks
// or their messages.
import type { DataSource } from '../data/data-source.ts';
import { MLPError } from './errors.ts';
import type { NetMemory } from './net-memory.ts';
import { checkDataset, checkFitOptions, type DatasetFields, type FitSettings } from './options.ts';
import { checkSameRows, rowShape, type RowShape } from './rows.ts';
import { guardedRead } from './validate.ts';

/** What a streamed fit trains on and validates with (validation arrays checked for shape). */
export interface StreamFitData {
  source: DataSource;
  validation: { inputs: RowShape; targets: RowShape } | DataSource | undefined;
}

/**
 * A streamed fit's checked options, validation and source columns, with scratch for its
 * batches; an MLPError when they do not fit the net.
 */
export function checkStreamedFit(source: DataSource, options: unknown, memory: NetMemory): { o: FitSettings; validation: StreamFitData['validation']; described: DatasetFields } {
  const { layout } = memory;
  const o = checkFitOptions(options);
  if (o.validationSplit > 0) {
    throw new MLPError('INVALID_ARGUMENT', `validationSplit ${o.validationSplit} cannot split a DataSource: it holds out the last rows, and a source is read in blocks without knowing how many rows it has; pass validationSource (a second DataSource) or validationData`);
  }
  if (o.shuffle && o.shuffleBuffer === undefined) {
    throw new MLPError('INVALID_ARGUMENT', "shuffle with a DataSource needs shuffleBuffer (the rows to shuffle within): numpy's permutation needs every row at once, a streamed fit shuffles through a buffer (docs/training.md, Streamed training)");
  }
  let validation: StreamFitData['validation'] = o.validationSource;
  if (o.validationData) {
    const v = { inputs: rowShape(o.validationData.inputs, 'validationData.inputs', layout.inputSize, 'input'), targets: rowShape(o.validationData.targets, 'validationData.targets', layout.outputSize, 'output') };
    checkSameRows(v.inputs, v.targets);
    validation = v;
  }
  const described = checkDataset(
    guardedRead('source', () => ({ inputs: [], targets: [], classes: Array.isArray(source.classes) ? source.classes.map(String) : source.classes, features: source.features, target: source.target })),
    layout.inputSize, layout.outputSize, 'source',
  )!;
  reserveBatch(memory, o.batchSize);
  return { o, validation, described };
}

/**
 * Scratch for a batch of batchSize rows, which a source may fill however many rows it has;
 * when memory cannot hold it, the error names batchSize. (An in-memory fit's batch is at most
 * its rows.)
 */
function reserveBatch(memory: NetMemory, batchSize: number): void {
  try {
    memory.ensureCapacity(batchSize);
  } catch (error) {
    throw error instanceof MLPError && error.code === 'OUT_OF_MEMORY' ? new MLPError('OUT_OF_MEMORY', `batchSize ${batchSize}: ${error.message}`) : error;
  }
}
