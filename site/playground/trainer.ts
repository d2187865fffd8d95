// The playground's training: it owns the data, the net and the loss history, and runs one
// thing at a time through a queue (a slice of epochs, a reset, a model load, a switch of
// backend), so Start, Pause, Step and every settings change can come at any moment. Running,
// it trains in slices of about SLICE_MS and repaints the boundary after each.
import type { BackendName, ModelJSON, Optimizer } from '../shared/library.ts';
import { createNet, netFromJSON, type Net } from '../shared/net.ts';
import { nextFrame } from '../shared/dom.ts';
import { classOneProbability, createOptions, settingsFromModel, targetsFor, type HeadName, type NetworkSettings } from './architecture.ts';
import { generateData, type DataSettings, type PlaygroundData, type Points } from './datasets.ts';

export interface TrainingSettings {
  optimizer: Optimizer;
  learningRate: number;
  batchSize: number;
  backend: BackendName;
  threads: number;
}

export interface PlaygroundSettings {
  data: DataSettings;
  network: NetworkSettings;
  training: TrainingSettings;
}

export interface Progress {
  /** Epochs trained since the net was made or loaded. */
  epoch: number;
  epochs: readonly number[];
  trainLoss: readonly number[];
  testLoss: readonly number[];
  testAccuracy: number | undefined;
  /** Training samples per second over the last slices (fit time only). */
  samplesPerSecond: number | undefined;
}

export interface TrainerEvents {
  data(data: PlaygroundData): void;
  /** P(class 1) at grid cell i. */
  heat(probability: (i: number) => number): void;
  progress(progress: Progress): void;
  running(running: boolean): void;
  error(error: unknown): void;
}

/** Training time per slice: long enough to amortise a call, short enough that the page never waits long. */
const SLICE_MS = 15;
const MAX_EPOCHS_PER_SLICE = 50;

interface Rows {
  inputs: { data: Float64Array; rows: number };
  targets: { data: Float64Array; rows: number };
}

export class Trainer {
  readonly #settings: () => PlaygroundSettings;
  readonly #grid: { data: Float64Array; rows: number };
  readonly #events: TrainerEvents;
  #net: Net | undefined;
  #data: PlaygroundData | undefined;
  #head: HeadName = 'bce';
  #train: Rows | undefined;
  #test: Rows | undefined;
  #epochs: number[] = [];
  #trainLoss: number[] = [];
  #testLoss: number[] = [];
  #testAccuracy: number | undefined;
  #samplesPerSecond: number | undefined;
  #epochsPerSlice = 1;
  #queue: Promise<void> = Promise.resolve();
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(settings: () => PlaygroundSettings, grid: Float64Array, events: TrainerEvents) {
    this.#settings = settings;
    this.#grid = { data: grid, rows: grid.length / 2 };
    this.#events = events;
  }

  get running(): boolean {
    return this.#running;
  }

  /** New data and a fresh net from the current settings; a running loop goes on with them. */
  reset(): Promise<void> {
    return this.#enqueue(async () => {
      const s = this.#settings();
      const net = await createNet({ ...createOptions(s.network, s.data.seed), backend: s.training.backend, threads: s.training.threads });
      await this.#replace(net, generateData(s.data), s.network.head);
    });
  }

  /** The same parameters and optimizer state on another backend or thread count: training continues exactly. */
  moveNet(): Promise<void> {
    return this.#enqueue(async () => {
      const net = this.#net;
      if (!net) return;
      const { backend, threads } = this.#settings().training;
      const json = await net.toJSON({ includeOptimizer: true });
      const moved = await netFromJSON(json, { backend, threads });
      this.#net = moved;
      await net.dispose();
    });
  }

  /** A model file's net, on the current data; returns its settings for the controls. */
  load(text: string): Promise<NetworkSettings | undefined> {
    let loaded: NetworkSettings | undefined;
    return this.#enqueue(async () => {
      const s = this.#settings();
      // The library checks the file first; then whether the playground can show that net.
      const net = await netFromJSON(parseModelFile(text), { backend: s.training.backend, threads: s.training.threads });
      let settings: NetworkSettings;
      try {
        settings = settingsFromModel(await net.toJSON(), s.network.init);
      } catch (error) {
        await net.dispose();
        throw error;
      }
      await this.#replace(net, this.#data ?? generateData(s.data), settings.head);
      loaded = settings;
    }).then(() => loaded);
  }

  /** The net as a model file's JSON, with its optimizer state so training can resume. */
  async modelJSON(): Promise<ModelJSON | undefined> {
    let json: ModelJSON | undefined;
    await this.#enqueue(async () => {
      json = await this.#net?.toJSON({ includeOptimizer: true });
    });
    return json;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#events.running(true);
    this.#loop ??= this.#run().finally(() => {
      this.#loop = undefined;
    });
  }

  pause(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#events.running(false);
  }

  /** One epoch, then pause. */
  step(): Promise<void> {
    this.pause();
    return this.#enqueue(() => this.#slice(1));
  }

  /** A new net (made by the caller, so a failure to make it changed nothing) on `data`. */
  async #replace(net: Net, data: PlaygroundData, head: HeadName): Promise<void> {
    const old = this.#net;
    this.#net = net;
    await old?.dispose();
    this.#data = data;
    this.#head = head;
    const rows = (p: Points): Rows => ({ inputs: { data: p.xy, rows: p.count }, targets: { data: targetsFor(p, head), rows: p.count } });
    this.#train = rows(data.train);
    this.#test = rows(data.test);
    this.#events.data(data);
    this.#epochs = [];
    this.#trainLoss = [];
    this.#testLoss = [];
    this.#testAccuracy = undefined;
    this.#samplesPerSecond = undefined;
    this.#epochsPerSlice = 1;
    this.#report();
    await this.#paint();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      await this.#enqueue(async () => {
        if (this.#running) await this.#slice(this.#epochsPerSlice);
      });
      await nextFrame();
    }
  }

  async #slice(epochs: number): Promise<void> {
    const net = this.#net;
    if (!net || !this.#train || !this.#test) return;
    const t = this.#settings().training;
    const start = performance.now();
    const history = await net.fitAsync(this.#train.inputs, this.#train.targets, {
      epochs,
      learningRate: t.learningRate,
      batchSize: t.batchSize,
      optimizer: t.optimizer,
      shuffle: true,
      validationData: this.#test,
    });
    const seconds = (performance.now() - start) / 1000;
    for (let e = 0; e < history.epochs; e++) {
      this.#epochs.push(this.#epochs.length + 1);
      this.#trainLoss.push(history.loss[e]);
      this.#testLoss.push(history.valLoss[e]);
    }
    this.#testAccuracy = history.valAccuracy[history.valAccuracy.length - 1];
    const speed = (this.#train.inputs.rows * history.epochs) / seconds;
    this.#samplesPerSecond = this.#samplesPerSecond === undefined ? speed : 0.8 * this.#samplesPerSecond + 0.2 * speed;
    const perEpoch = (seconds * 1000) / history.epochs;
    this.#epochsPerSlice = Math.max(1, Math.min(MAX_EPOCHS_PER_SLICE, Math.round(SLICE_MS / perEpoch)));
    this.#report();
    // Painting in a task of its own: a net on this thread has just trained for a whole slice.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await this.#paint();
  }

  async #paint(): Promise<void> {
    const net = this.#net;
    if (!net) return;
    const outputs = await net.predictInto(this.#grid);
    const head = this.#head;
    this.#events.heat((i) => classOneProbability(outputs, i, head));
  }

  #report(): void {
    this.#events.progress({
      epoch: this.#epochs.length,
      epochs: this.#epochs,
      trainLoss: this.#trainLoss,
      testLoss: this.#testLoss,
      testAccuracy: this.#testAccuracy,
      samplesPerSecond: this.#samplesPerSecond,
    });
  }

  /** Runs `op` after everything queued before it; a failure pauses training and is reported. */
  #enqueue(op: () => Promise<void>): Promise<void> {
    const done = this.#queue.then(op).catch((error: unknown) => {
      this.pause();
      this.#events.error(error);
    });
    this.#queue = done;
    return done;
  }
}

/** The JSON of a model file; the library checks the rest when it builds the net. */
function parseModelFile(text: string): ModelJSON {
  try {
    return JSON.parse(text) as ModelJSON;
  } catch (error) {
    throw new Error(`this file is not a model file (not JSON: ${error instanceof Error ? error.message : String(error)})`);
  }
}
