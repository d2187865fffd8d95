// The plane: the net's P(class 1) over a grid as a heat map (orange for class 0, blue for
// class 1, white where it is undecided), the points on a canvas above it, and the axes' tick
// labels beside it. Both canvases follow their container's size and the screen's pixel density.
import type { PlaygroundData, Points } from './datasets.ts';

/** Cells per side of the grid the net is asked about each frame. */
export const GRID = 100;
/** The plane shows [-EXTENT, EXTENT]² (the data sit within about ±0.9 before noise). */
export const EXTENT = 1.15;

const TICKS = [-1, -0.5, 0, 0.5, 1];

const CLASS_RGB = [
  [245, 147, 34],
  [8, 119, 189],
] as const;
/** How far the heat map goes from white towards a class colour at certainty: points stay visible. */
const HEAT_STRENGTH = 0.72;

export class BoundaryView {
  /** The grid's cell centres as (x₁, x₂) rows, top row first: what the net predicts on. */
  readonly grid: Float64Array;
  readonly #heat: HTMLCanvasElement;
  readonly #points: HTMLCanvasElement;
  readonly #cells = document.createElement('canvas');
  #hasHeat = false;
  #data: PlaygroundData | undefined;
  #showTest = true;

  constructor(heat: HTMLCanvasElement, points: HTMLCanvasElement, xAxis: HTMLElement, yAxis: HTMLElement) {
    this.#heat = heat;
    this.#points = points;
    this.#cells.width = GRID;
    this.#cells.height = GRID;
    this.grid = new Float64Array(GRID * GRID * 2);
    for (let row = 0; row < GRID; row++) {
      for (let col = 0; col < GRID; col++) {
        const i = row * GRID + col;
        this.grid[2 * i] = -EXTENT + ((col + 0.5) * 2 * EXTENT) / GRID;
        this.grid[2 * i + 1] = EXTENT - ((row + 0.5) * 2 * EXTENT) / GRID;
      }
    }
    for (const v of TICKS) {
      const x = document.createElement('span');
      x.textContent = String(v);
      x.style.left = `${(100 * (v + EXTENT)) / (2 * EXTENT)}%`;
      const y = document.createElement('span');
      y.textContent = String(v);
      y.style.top = `${(100 * (EXTENT - v)) / (2 * EXTENT)}%`;
      xAxis.append(x);
      yAxis.append(y);
    }
    new ResizeObserver(() => this.#resize()).observe(heat.parentElement!);
    this.#resize();
  }

  /** Paints the heat map from P(class 1) of every grid cell (probability(i), i in grid order). */
  drawHeat(probability: (i: number) => number): void {
    const ctx = this.#cells.getContext('2d')!;
    const image = ctx.createImageData(GRID, GRID);
    for (let i = 0; i < GRID * GRID; i++) {
      const p = probability(i);
      const toward = CLASS_RGB[p >= 0.5 ? 1 : 0];
      const t = Number.isFinite(p) ? Math.min(1, Math.abs(p - 0.5) * 2) * HEAT_STRENGTH : 0;
      for (let c = 0; c < 3; c++) image.data[4 * i + c] = Math.round(255 + (toward[c] - 255) * t);
      image.data[4 * i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
    this.#hasHeat = true;
    this.#paintHeat();
  }

  clearHeat(): void {
    this.#hasHeat = false;
    this.#paintHeat();
  }

  showPoints(data: PlaygroundData, showTest: boolean): void {
    this.#data = data;
    this.#showTest = showTest;
    this.#paintPoints();
  }

  #resize(): void {
    const box = this.#heat.parentElement!.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    for (const canvas of [this.#heat, this.#points]) {
      canvas.width = Math.max(1, Math.round(box.width * dpr));
      canvas.height = Math.max(1, Math.round(box.height * dpr));
    }
    this.#paintHeat();
    this.#paintPoints();
  }

  #paintHeat(): void {
    const ctx = this.#heat.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, this.#heat.width, this.#heat.height);
    if (!this.#hasHeat) return;
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(this.#cells, 0, 0, this.#heat.width, this.#heat.height);
  }

  #paintPoints(): void {
    const canvas = this.#points;
    const ctx = canvas.getContext('2d')!;
    const dpr = window.devicePixelRatio || 1;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const toPixel = (x: number, y: number) => [((x + EXTENT) / (2 * EXTENT)) * canvas.width, ((EXTENT - y) / (2 * EXTENT)) * canvas.height];
    if (!this.#data) return;
    const radius = Math.max(2.5, Math.min(4, canvas.width / dpr / 110)) * dpr;
    const draw = (points: Points, outline: string, width: number) => {
      for (let i = 0; i < points.count; i++) {
        const [px, py] = toPixel(points.xy[2 * i], points.xy[2 * i + 1]);
        ctx.beginPath();
        ctx.arc(px, py, radius, 0, 2 * Math.PI);
        ctx.fillStyle = `rgb(${CLASS_RGB[points.labels[i]].join(',')})`;
        ctx.fill();
        ctx.lineWidth = width * dpr;
        ctx.strokeStyle = outline;
        ctx.stroke();
      }
    };
    draw(this.#data.train, '#ffffff', 1);
    if (this.#showTest) draw(this.#data.test, '#1d232a', 1.4);
  }
}
