// The CSV entry in Node (wasm-mlp/csv): csv.ts with the file system plugged in, so loadCSV
// reads paths.
import './platform/node.ts';

export * from './csv.ts';
