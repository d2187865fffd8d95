// The CSV entry (wasm-mlp/csv): tables into datasets for fit, with csv-parse's parser. In a
// browser build it is opt-in, since the parser is larger than the library; loadCSV reads a
// path only where the file system is plugged in (csv.node.ts), else it takes CSV text.
export { loadCSV, parseCSV, type CSVDataset, type CSVOptions } from './io/csv.ts';
