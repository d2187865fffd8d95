// The drawing pad: pointer strokes (mouse, pen or finger) on a canvas, shown as ink, and the
// 8x8 image they make, shown beside it as the net sees it. Reports the image after each move.
import { DIGIT_INK, DIGIT_SIDE } from '../../bench/digits.ts';
import { sampleDigit, type Point } from './digit-sampler.ts';

export class DrawPad {
  readonly #canvas: HTMLCanvasElement;
  readonly #preview: HTMLCanvasElement;
  readonly #onImage: (pixels: Float64Array | null) => void;
  #strokes: Point[][] = [];
  #drawing = false;

  constructor(canvas: HTMLCanvasElement, preview: HTMLCanvasElement, onImage: (pixels: Float64Array | null) => void) {
    this.#canvas = canvas;
    this.#preview = preview;
    this.#onImage = onImage;
    canvas.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      this.#drawing = true;
      this.#strokes.push([this.#point(event)]);
      this.#changed();
    });
    canvas.addEventListener('pointermove', (event) => {
      if (!this.#drawing) return;
      const events = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
      for (const e of events.length ? events : [event]) this.#strokes[this.#strokes.length - 1].push(this.#point(e));
      this.#changed();
    });
    const end = () => {
      this.#drawing = false;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    new ResizeObserver(() => this.#paint()).observe(canvas);
    this.#paint();
    this.#paintPreview(null);
  }

  clear(): void {
    this.#strokes = [];
    this.#changed();
  }

  #point(event: PointerEvent): Point {
    const box = this.#canvas.getBoundingClientRect();
    return { x: (event.clientX - box.left) / box.width, y: (event.clientY - box.top) / box.height };
  }

  #changed(): void {
    this.#paint();
    const pixels = sampleDigit(this.#strokes);
    this.#paintPreview(pixels);
    this.#onImage(pixels);
  }

  #paint(): void {
    const canvas = this.#canvas;
    const dpr = window.devicePixelRatio || 1;
    const box = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(box.width * dpr));
    canvas.height = Math.max(1, Math.round(box.height * dpr));
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = '#1d232a';
    ctx.fillStyle = '#1d232a';
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = canvas.width * 0.06;
    for (const stroke of this.#strokes) {
      ctx.beginPath();
      ctx.moveTo(stroke[0].x * canvas.width, stroke[0].y * canvas.height);
      if (stroke.length === 1) ctx.lineTo(stroke[0].x * canvas.width + 0.1, stroke[0].y * canvas.height);
      for (const p of stroke.slice(1)) ctx.lineTo(p.x * canvas.width, p.y * canvas.height);
      ctx.stroke();
    }
  }

  #paintPreview(pixels: Float64Array | null): void {
    const canvas = this.#preview;
    const ctx = canvas.getContext('2d')!;
    const cell = canvas.width / DIGIT_SIDE;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (!pixels) return;
    for (let i = 0; i < pixels.length; i++) {
      const shade = Math.round(255 * (1 - pixels[i] / DIGIT_INK));
      ctx.fillStyle = `rgb(${shade},${shade},${shade})`;
      ctx.fillRect((i % DIGIT_SIDE) * cell, Math.floor(i / DIGIT_SIDE) * cell, cell, cell);
    }
  }
}
