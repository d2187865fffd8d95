// Turns strokes drawn at any size into the 8x8 image the net was trained on, the way the
// digits data were made: the digit scaled to fill the height of a 32x32 bitmap (or its width,
// if wider) and centred, then each 4x4 block's ink counted, 0..16. The pen is as thick,
// relative to the digit, as the strokes in the data.
import { DIGIT_INK, DIGIT_PIXELS, DIGIT_SIDE } from '../../bench/digits.ts';

export interface Point {
  x: number;
  y: number;
}

const BITMAP = 32;
const BLOCK = BITMAP / DIGIT_SIDE;
/** Pen width as a fraction of the bitmap: the data's strokes are one and a half to two pixels of eight. */
const PEN = 0.2 * BITMAP;

/** The 8x8 image of the strokes, row by row, each pixel 0..16; null when nothing is drawn. */
export function sampleDigit(strokes: readonly (readonly Point[])[]): Float64Array | null {
  const points = strokes.flat();
  if (points.length === 0) return null;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = (BITMAP - PEN) / Math.max(maxX - minX, maxY - minY, 1e-9);
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const at = (p: Point) => [BITMAP / 2 + (p.x - cx) * scale, BITMAP / 2 + (p.y - cy) * scale] as const;

  const canvas = document.createElement('canvas');
  canvas.width = BITMAP;
  canvas.height = BITMAP;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.lineWidth = PEN;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#000';
  ctx.fillStyle = '#000';
  for (const stroke of strokes) {
    if (stroke.length === 0) continue;
    ctx.beginPath();
    const [x0, y0] = at(stroke[0]);
    if (stroke.length === 1) {
      ctx.arc(x0, y0, PEN / 2, 0, 2 * Math.PI);
      ctx.fill();
      continue;
    }
    ctx.moveTo(x0, y0);
    for (const p of stroke.slice(1)) ctx.lineTo(...at(p));
    ctx.stroke();
  }
  const alpha = ctx.getImageData(0, 0, BITMAP, BITMAP).data;
  const pixels = new Float64Array(DIGIT_PIXELS);
  for (let y = 0; y < BITMAP; y++) {
    for (let x = 0; x < BITMAP; x++) pixels[Math.floor(y / BLOCK) * DIGIT_SIDE + Math.floor(x / BLOCK)] += alpha[4 * (y * BITMAP + x) + 3] / 255;
  }
  // A block's 16 pixels at full ink make DIGIT_INK.
  for (let i = 0; i < DIGIT_PIXELS; i++) pixels[i] = Math.min(DIGIT_INK, (pixels[i] * DIGIT_INK) / (BLOCK * BLOCK));
  return pixels;
}
