// How the benchmarks write numbers and plain-text tables: shared by the Node benchmarks and
// the site's benchmark page, so a ratio reads the same in a terminal and in a browser.

/** 3 significant digits with a k/M/G suffix: throughputs span six decades across the rows. */
export function si(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toPrecision(3)} G`;
  if (x >= 1e6) return `${(x / 1e6).toPrecision(3)} M`;
  if (x >= 1e3) return `${(x / 1e3).toPrecision(3)} k`;
  return x.toPrecision(3);
}

export const fixed = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));

export const times = (x: number) => (x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`);

/** Columns padded to their widest cell; the `left` columns are text, the rest numbers (right-aligned). */
export function renderTable(header: string[], rows: string[][], left: ReadonlySet<number>): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (left.has(c) ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
