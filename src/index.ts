// The Node entry (build/node/index.js): the browser API plus the file system for
// net.save() and MLP.load() (atomic writes), and CSV (loadCSV(path), parseCSV), which a
// browser imports from wasm-mlp/csv; numpy .npy files (loadNpy, saveNpy, npySource); and ONNX
// export (net.toONNX, modelToONNX).
import './platform/node.ts';

export * from './browser.ts';
export { loadCSV, parseCSV, type CSVDataset, type CSVOptions } from './io/csv.ts';
export { csvSource, type CSVSource, type CSVSourceOptions } from './io/csv-source.ts';
export { loadNpy, saveNpy, type NpyArray, type SaveNpyOptions } from './io/npy-file.ts';
export { npySource, type NpyDataSource, type NpySourceOptions } from './io/npy-source.ts';
export { modelToONNX, type OnnxOptions } from './io/onnx-export.ts';
