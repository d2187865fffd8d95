// The loss curves of the playground and the digits page: a uPlot line chart of train and
// test loss per epoch on a log scale, resized with its container.
import uPlot from 'uplot';

export interface CurveSeries {
  label: string;
  color: string;
}

export class LossChart {
  readonly #plot: uPlot;
  readonly #height: number;

  constructor(container: HTMLElement, series: readonly CurveSeries[], height = 180) {
    this.#height = height;
    const axis = { stroke: '#5b6572', grid: { stroke: '#eef0f3', width: 1 }, ticks: { stroke: '#d5dae1', width: 1 }, font: '11px system-ui, sans-serif', labelFont: '12px system-ui, sans-serif' };
    this.#plot = new uPlot(
      {
        width: Math.max(200, container.clientWidth),
        height,
        scales: { x: { time: false }, y: { distr: 3 } },
        axes: [
          { ...axis, label: 'epoch', labelSize: 18, size: 30 },
          { ...axis, label: 'loss (log scale)', labelSize: 16, size: 50, gap: 4, values: (_u, splits) => splits.map((v) => (v == null ? '' : formatTick(v))) },
        ],
        series: [
          { label: 'epoch' },
          ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: false } })),
        ],
        cursor: { drag: { x: false, y: false } },
        legend: { live: false },
      },
      [[], ...series.map(() => [])],
      container,
    );
    new ResizeObserver(() => this.#plot.setSize({ width: Math.max(200, container.clientWidth), height: this.#height })).observe(container);
  }

  /** epochs[i] with each series' value at it. */
  update(epochs: readonly number[], values: readonly (readonly number[])[]): void {
    this.#plot.setData([epochs as number[], ...(values as number[][])]);
  }
}

/** Log-scale ticks as plain decimals (0.5, 0.02) down to 1e-4, then in exponent form. */
function formatTick(v: number): string {
  return v >= 1e-4 ? String(+v.toPrecision(2)) : v.toExponential(0);
}
