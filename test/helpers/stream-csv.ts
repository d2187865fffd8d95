// A training CSV of any size, written row by row from a seeded rule: `features` numeric
// columns (three decimals) and a class column 'a' | 'b' | 'c'. The same seed gives the same
// rows, so a small file is the first rows of a large one and the rows can be made again in
// memory (rowsInMemory) without reading the file.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const CLASSES = ['a', 'b', 'c'];

/** Row r of the data set: its feature cells as written, and its class. */
function* rowsOf(rows: number, features: number): Generator<{ cells: string[]; label: string }> {
  let s = 2024;
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    let sum = 0;
    for (let c = 0; c < features; c++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      const x = (s / 2147483648) * 2 - 1;
      sum += c % 2 === 0 ? x : -x / 2;
      cells.push(x.toFixed(3));
    }
    yield { cells, label: CLASSES[sum > 0.5 ? 0 : sum > -0.5 ? 1 : 2] };
  }
}

/** Writes the CSV (header f0..fN-1,label); resolves to its size in bytes. */
export async function writeCsv(path: string, rows: number, features: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (line: string) => {
    bytes += line.length;
    if (!out.write(line)) await once(out, 'drain');
  };
  await write(`${Array.from({ length: features }, (_, c) => `f${c}`).join(',')},label\n`);
  let chunk = '';
  for (const { cells, label } of rowsOf(rows, features)) {
    chunk += `${cells.join(',')},${label}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'finish');
  return bytes;
}

/** The same rows as a Float64Array of inputs and one-hot targets, read as loadCSV reads them. */
export function rowsInMemory(rows: number, features: number): { inputs: Float64Array; targets: Float64Array } {
  const inputs = new Float64Array(rows * features);
  const targets = new Float64Array(rows * CLASSES.length);
  let r = 0;
  for (const { cells, label } of rowsOf(rows, features)) {
    for (let c = 0; c < features; c++) inputs[r * features + c] = Number(cells[c]);
    targets[r * CLASSES.length + CLASSES.indexOf(label)] = 1;
    r++;
  }
  return { inputs, targets };
}
