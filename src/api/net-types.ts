// The shapes MLP's methods take and give besides rows and options: a labelled Dataset (as
// loadCSV returns it) and the result of evaluate. Shared by MLP and WorkerMLP.
import type { Matrix } from './rows.ts';

/** Rows with their targets, as loadCSV returns them. */
export interface Dataset {
  inputs: Matrix;
  targets: Matrix;
  features?: readonly string[];
  target?: string;
  classes?: readonly string[] | null;
  normalize?: 'none' | 'zscore' | 'minmax';
}

export interface Evaluation {
  loss: number;
  /** For classification (docs/training.md, Accuracy), else null. */
  accuracy: number | null;
  /** confusion[true class][predicted class] counts, for classification; else null. */
  confusion: number[][] | null;
}
