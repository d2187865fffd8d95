// The playground's form: the data and training controls, their choices and defaults, read
// back as settings. It reports which part changed, since each asks for something different
// (new data and net, the net moved to another backend, or nothing until the next slice).
import type { BackendName, Optimizer } from '../shared/library.ts';
import { byId } from '../shared/dom.ts';
import { HEADS, INITS, type HeadName, type InitName } from './architecture.ts';
import { DATASETS, generateData, type DataSettings, type DatasetName } from './datasets.ts';
import type { TrainingSettings } from './trainer.ts';

export type ControlGroup = 'data' | 'network' | 'speed' | 'backend' | 'view';

const LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
const BATCH_SIZES = [1, 4, 8, 16, 32, 64];
const POINTS = [200, 400, 800];
const OPTIMIZERS: Record<Optimizer, string> = { sgd: 'SGD', momentum: 'momentum', adam: 'Adam' };
const BACKENDS: Record<BackendName, string> = { wasm: 'WebAssembly', js: 'JavaScript' };
const THREADS = [1, 2, 4];

const DEFAULTS = {
  dataset: 'circle' as DatasetName,
  points: 400,
  learningRate: 0.03,
  batchSize: 16,
  optimizer: 'adam' as Optimizer,
  head: 'bce' as HeadName,
  init: 'xavier' as InitName,
};

export class Controls {
  readonly #noise = byId('noise', HTMLInputElement);
  readonly #trainRatio = byId('train-ratio', HTMLInputElement);
  readonly #points = byId('points', HTMLSelectElement);
  readonly #seed = byId('seed', HTMLInputElement);
  readonly #head = byId('head', HTMLSelectElement);
  readonly #init = byId('init', HTMLSelectElement);
  readonly #optimizer = byId('optimizer', HTMLSelectElement);
  readonly #learningRate = byId('learning-rate', HTMLSelectElement);
  readonly #batchSize = byId('batch-size', HTMLSelectElement);
  readonly #backend = byId('backend', HTMLSelectElement);
  readonly #threads = byId('threads', HTMLSelectElement);
  readonly #showTest = byId('show-test', HTMLInputElement);
  readonly #datasets = byId('datasets');

  constructor(onChange: (group: ControlGroup) => void) {
    this.#fillDatasets(() => onChange('data'));
    fill(this.#points, POINTS.map((n) => [String(n), String(n)]), String(DEFAULTS.points));
    fill(this.#head, Object.entries(HEADS).map(([k, h]) => [k, h.label]), DEFAULTS.head);
    fill(this.#init, Object.entries(INITS), DEFAULTS.init);
    fill(this.#optimizer, Object.entries(OPTIMIZERS), DEFAULTS.optimizer);
    fill(this.#learningRate, LEARNING_RATES.map((r) => [String(r), String(r)]), String(DEFAULTS.learningRate));
    fill(this.#batchSize, BATCH_SIZES.map((b) => [String(b), String(b)]), String(DEFAULTS.batchSize));
    fill(this.#backend, Object.entries(BACKENDS), 'wasm');
    fill(this.#threads, THREADS.map((t) => [String(t), String(t)]), '1');
    this.#updateThreads();

    const showValue = (input: HTMLInputElement) => {
      byId(`${input.id}-value`).textContent = `${input.value}%`;
    };
    for (const range of [this.#noise, this.#trainRatio]) {
      showValue(range);
      range.addEventListener('input', () => showValue(range));
      range.addEventListener('change', () => onChange('data'));
    }
    for (const input of [this.#points, this.#seed]) input.addEventListener('change', () => onChange('data'));
    byId('new-seed', HTMLButtonElement).addEventListener('click', () => {
      this.#seed.value = String(1 + Math.floor(Math.random() * 99_999));
      onChange('data');
    });
    for (const select of [this.#head, this.#init]) select.addEventListener('change', () => onChange('network'));
    for (const select of [this.#optimizer, this.#learningRate, this.#batchSize]) select.addEventListener('change', () => onChange('speed'));
    for (const select of [this.#backend, this.#threads]) {
      select.addEventListener('change', () => {
        this.#updateThreads();
        onChange('backend');
      });
    }
    this.#showTest.addEventListener('change', () => onChange('view'));
  }

  get data(): DataSettings {
    const checked = this.#datasets.querySelector<HTMLInputElement>('input:checked');
    const seed = Math.trunc(Number(this.#seed.value));
    return {
      dataset: (checked?.value ?? DEFAULTS.dataset) as DatasetName,
      points: Number(this.#points.value),
      noise: Number(this.#noise.value) / 100,
      trainFraction: Number(this.#trainRatio.value) / 100,
      seed: Number.isFinite(seed) && seed >= 0 ? seed : 1,
    };
  }

  get head(): HeadName {
    return this.#head.value as HeadName;
  }

  get init(): InitName {
    return this.#init.value as InitName;
  }

  get training(): TrainingSettings {
    return {
      optimizer: this.#optimizer.value as Optimizer,
      learningRate: Number(this.#learningRate.value),
      batchSize: Number(this.#batchSize.value),
      backend: this.#backend.value as BackendName,
      threads: this.#threads.disabled ? 1 : Number(this.#threads.value),
    };
  }

  get showTest(): boolean {
    return this.#showTest.checked;
  }

  /** Shows a loaded model's head without reporting a change. */
  setHead(head: HeadName): void {
    this.#head.value = head;
  }

  /** Threads need the wasm backend and a cross-origin isolated page (shared memory). */
  #updateThreads(): void {
    const isolated = globalThis.crossOriginIsolated === true;
    this.#threads.disabled = this.#backend.value !== 'wasm' || !isolated;
    this.#threads.title = !isolated ? 'threads need a cross-origin isolated page (npm run demo serves one)' : this.#threads.disabled ? 'threads run on the WebAssembly backend' : '';
  }

  /** One radio button per data set, each with a small picture of it. */
  #fillDatasets(onChange: () => void): void {
    for (const [name, label] of Object.entries(DATASETS) as [DatasetName, string][]) {
      const option = document.createElement('label');
      option.className = 'dataset';
      const input = document.createElement('input');
      input.type = 'radio';
      input.name = 'dataset';
      input.value = name;
      input.checked = name === DEFAULTS.dataset;
      input.addEventListener('change', onChange);
      const picture = document.createElement('canvas');
      picture.width = 48;
      picture.height = 48;
      picture.setAttribute('aria-hidden', 'true');
      drawThumbnail(picture, name);
      const text = document.createElement('span');
      text.textContent = label;
      option.append(input, picture, text);
      this.#datasets.append(option);
    }
  }
}

function fill(select: HTMLSelectElement, options: readonly (readonly [string, string])[], selected: string): void {
  for (const [value, label] of options) select.add(new Option(label, value, false, value === selected));
}

function drawThumbnail(canvas: HTMLCanvasElement, dataset: DatasetName): void {
  const ctx = canvas.getContext('2d')!;
  const { train } = generateData({ dataset, points: 160, noise: 0, trainFraction: 0.99, seed: 3 });
  const colors = ['#f59322', '#0877bd'];
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < train.count; i++) {
    ctx.fillStyle = colors[train.labels[i]];
    ctx.fillRect(24 + train.xy[2 * i] * 22 - 1.5, 24 - train.xy[2 * i + 1] * 22 - 1.5, 3, 3);
  }
}
