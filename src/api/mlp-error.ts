// The one error type users see (errors.ts holds the helpers that word its messages). A file of
// its own so that the browser's opt-in entries (wasm-mlp/csv) throw the core module's very
// class, imported from it, rather than a copy that instanceof would not recognise.

export type MLPErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_MODEL'
  | 'OUT_OF_MEMORY'
  | 'DISPOSED'
  | 'TRAINING_DIVERGED'
  | 'OVERFLOW'
  | 'IO'
  | 'BUSY'
  | 'INTERNAL';

export class MLPError extends Error {
  readonly code: MLPErrorCode;

  constructor(code: MLPErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MLPError';
    this.code = code;
  }
}
