// The contract of streamed training data: a source hands out its rows in blocks, afresh for
// every pass over them (each epoch, and the passes that fit a normalisation), so that a fit
// holds a few blocks at a time, never the whole set. Ready-made sources (csvSource,
// npySource) build one from a file; anything with a `batches()` method is one.
import type { Matrix } from '../api/rows.ts';

/** Some consecutive rows of a data set: inputs and their targets, row for row. */
export interface RowBlock {
  readonly inputs: Matrix;
  readonly targets: Matrix;
}

/**
 * Rows that fitAsync reads in blocks. `batches()` is called once per pass and must return a
 * fresh iterable giving the same rows in the same order each time (unless the user means
 * otherwise: a fit reads whatever it is given). Blocks may have any number of rows (at least
 * one); how they are cut does not change the result. A fit is done with a block when it asks
 * for the next one, so a source may refill the same arrays for every block. `classes`, when
 * present, labels the one-hot target columns; `features` and `target` name the columns (as
 * loadCSV's dataset does): a fit keeps them in the model.
 */
export interface DataSource {
  batches(): AsyncIterable<RowBlock>;
  readonly classes?: readonly (string | number)[];
  readonly features?: readonly string[];
  readonly target?: string;
}

/**
 * Whether `value` is a DataSource (an object with a batches method), not rows or a Dataset;
 * false for a value that cannot be read (a revoked proxy), which the rows' checks then name.
 */
export function isDataSource(value: unknown): value is DataSource {
  try {
    return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) && typeof (value as { batches?: unknown }).batches === 'function';
  } catch {
    return false;
  }
}
