// The layout of examples/data/digits.csv and how a net sees it: 8x8 images, row by row, each
// pixel an integer 0..16 (the ink count of a 4x4 block of the original 32x32 bitmap), then the
// digit. Platform-free: `npm run bench`, the site's benchmark page and its digits page all
// read the file through this one parser. The file is plain numbers, so a strict split does
// what a CSV library would, without bringing a Buffer polyfill into the page bundles.

export const DIGIT_SIDE = 8;
export const DIGIT_PIXELS = DIGIT_SIDE * DIGIT_SIDE;
export const DIGIT_CLASSES = 10;
/** A pixel's full-ink value: the net sees pixel / DIGIT_INK, in [0, 1]. */
export const DIGIT_INK = 16;

/** The digits as the library takes them: flat row-major inputs (pixel / 16) and one-hot targets. */
export interface DigitsData {
  inputs: Float64Array;
  targets: Float64Array;
  rows: number;
  /** Each row's digit. */
  labels: Uint8Array;
}

const HEADER = [...Array.from({ length: DIGIT_PIXELS }, (_, p) => `pixel_${p}`), 'digit'].join(',');

/** Parses digits.csv's text; throws naming the line and column of anything out of shape. */
export function parseDigitsCSV(text: string): DigitsData {
  const lines = text.split(/\r?\n/);
  if (lines[0] !== HEADER) throw new Error(`digits.csv: the header must be pixel_0,...,pixel_63,digit; got ${lines[0].slice(0, 60)}...`);
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const rows = lines.length - 1;
  const inputs = new Float64Array(rows * DIGIT_PIXELS);
  const targets = new Float64Array(rows * DIGIT_CLASSES);
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1].split(',');
    if (cells.length !== DIGIT_PIXELS + 1) throw new Error(`digits.csv line ${r + 2}: ${cells.length} columns, expected ${DIGIT_PIXELS + 1}`);
    const value = (c: number, max: number) => {
      const v = Number(cells[c]);
      if (cells[c] === '' || !Number.isInteger(v) || v < 0 || v > max) {
        throw new Error(`digits.csv line ${r + 2}: ${c < DIGIT_PIXELS ? `pixel_${c}` : 'digit'} is ${JSON.stringify(cells[c])}, expected an integer 0..${max}`);
      }
      return v;
    };
    for (let p = 0; p < DIGIT_PIXELS; p++) inputs[r * DIGIT_PIXELS + p] = value(p, DIGIT_INK) / DIGIT_INK;
    const digit = value(DIGIT_PIXELS, DIGIT_CLASSES - 1);
    targets[r * DIGIT_CLASSES + digit] = 1;
    labels[r] = digit;
  }
  return { inputs, targets, rows, labels };
}
