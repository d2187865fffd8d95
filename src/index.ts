// The Node entry (build/node/index.js): the browser API plus the file system for
// net.save() and MLP.load() (atomic writes) and for loadCSV(path).
import './platform/node.ts';

export * from './browser.ts';
// CSV stays out of the browser bundle: csv-parse's browser build would nearly double it.
export { loadCSV, parseCSV, type CSVDataset, type CSVOptions } from './io/csv.ts';
