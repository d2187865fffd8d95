// The CSV entry in Node (wasm-mlp/csv): the Node entry's loadCSV and parseCSV, so that loadCSV
// reads paths and its errors are the library's own MLPError.
export { loadCSV, parseCSV, type CSVDataset, type CSVOptions } from './index.ts';
