// The two backends agree bit for bit: for several hundred random configurations (depth,
// widths, data, seed, learning rate, epochs) a 'wasm' and a 'js' net created with the same
// seed give the same initial parameters, per-epoch losses, trained parameters and
// predictions, every number compared with Object.is. A trained net saved with toJSON, sent
// through JSON text and loaded into the other backend predicts the same bits and keeps
// training exactly as the original does. fast-check runs with a fixed seed; a failure prints
// the shrunk configuration with its seed and path (set FC_SEED / FC_RUNS to explore further).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { MLP, MLPError, type ModelJSON } from '../src/index.ts';

const FC_SEED = Number(process.env.FC_SEED ?? 20261124);
const FC_RUNS = Number(process.env.FC_RUNS ?? 1000);

interface Config {
  layers: number[];
  seed: number;
  learningRate: number;
  epochs: number;
  /** Epochs of further training after the JSON round trip. */
  moreEpochs: number;
  inputs: number[][];
  targets: number[][];
}

/** A number, its value and its IEEE-754 bit pattern, for failure messages. */
function show(value: number | undefined): string {
  if (value === undefined) return 'undefined';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return `${Object.is(value, -0) ? '-0' : String(value)} (0x${view.getBigUint64(0).toString(16).padStart(16, '0')})`;
}

/** Throws, naming the first differing index and both values, unless a and b are the same bits. */
function sameBits(what: string, a: ArrayLike<number>, b: ArrayLike<number>, names = ['wasm', 'js']): void {
  if (a.length !== b.length) throw new Error(`${what}: length ${a.length} (${names[0]}) vs ${b.length} (${names[1]})`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) {
      throw new Error(`${what}[${i}] differs: ${names[0]} ${show(a[i])} vs ${names[1]} ${show(b[i])}`);
    }
  }
}

function sameRows(what: string, a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[], names?: string[]): void {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} rows vs ${b.length} rows`);
  a.forEach((row, r) => sameBits(`${what}[${r}]`, row, b[r], names));
}

function sameModel(what: string, a: ModelJSON, b: ModelJSON, names?: string[]): void {
  for (const key of ['format', 'version', 'loss', 'alpha'] as const) {
    if (a[key] !== b[key]) throw new Error(`${what}.${key}: ${a[key]} vs ${b[key]}`);
  }
  if (JSON.stringify(a.activations) !== JSON.stringify(b.activations)) throw new Error(`${what}.activations differ`);
  sameBits(`${what}.layers`, a.layers, b.layers, names);
  sameRows(`${what}.weights`, a.weights, b.weights, names);
  sameRows(`${what}.biases`, a.biases, b.biases, names);
}

/** fit's loss, or the MLPError it threw (a diverging fit must diverge identically on both). */
function fitOutcome(net: MLP, c: Config, epochs: number): number[] | string {
  try {
    return net.fit(c.inputs, c.targets, { epochs, learningRate: c.learningRate }).loss;
  } catch (error) {
    if (error instanceof MLPError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

function sameOutcome(what: string, a: number[] | string, b: number[] | string, names?: string[]): void {
  if (typeof a === 'string' || typeof b === 'string') {
    if (a !== b) throw new Error(`${what}: ${JSON.stringify(a).slice(0, 200)} vs ${JSON.stringify(b).slice(0, 200)}`);
    return;
  }
  sameBits(what, a, b, names);
}

// Inputs in a realistic range: mostly full-precision values in [-3, 3], plus exact integers,
// zeros of both signs and fast-check's edge-seeking doubles (tiny, subnormal, +-3).
const inputValue = fc.oneof(
  { arbitrary: fc.integer({ min: -0x7fffffff, max: 0x7fffffff }).map((n) => (n / 0x7fffffff) * 3), weight: 6 },
  { arbitrary: fc.integer({ min: -3, max: 3 }), weight: 2 },
  { arbitrary: fc.constantFrom(0, -0), weight: 1 },
  { arbitrary: fc.double({ min: -3, max: 3, noNaN: true }), weight: 1 },
);
const targetValue = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 0xffffffff }).map((n) => n / 0xffffffff), weight: 6 },
  { arbitrary: fc.constantFrom(0, 1), weight: 2 },
  { arbitrary: fc.double({ min: 0, max: 1, noNaN: true }), weight: 1 },
);
// Log-uniform in [1e-3, 2].
const learningRate = fc
  .integer({ min: 0, max: 1_000_000_000 })
  .map((n) => Math.min(2, 1e-3 * Math.exp((n / 1_000_000_000) * Math.log(2000))));

const matrix = (rows: number, columns: number, cell: fc.Arbitrary<number>) =>
  fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows });

// Far outside the realistic range: pre-activations past exp's overflow and underflow
// thresholds, saturated sigmoids (outputs of exactly 0 and 1) and vanishing deltas.
const extremeInputValue = fc.oneof(
  { arbitrary: fc.integer({ min: -0x7fffffff, max: 0x7fffffff }).map((n) => (n / 0x7fffffff) * 2000), weight: 4 },
  { arbitrary: fc.constantFrom(0, 750, -750, 1e4, -1e4), weight: 1 },
  { arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }), weight: 1 },
);

const configOf = (cell: fc.Arbitrary<number>): fc.Arbitrary<Config> => fc
  .record({
    // 1 to 5 weight layers, each size (input and output included) from 1 to 48.
    layers: fc.array(fc.integer({ min: 1, max: 48 }), { minLength: 2, maxLength: 6 }),
    samples: fc.integer({ min: 1, max: 64 }),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    learningRate,
    epochs: fc.integer({ min: 1, max: 50 }),
    moreEpochs: fc.integer({ min: 1, max: 10 }),
  })
  .chain(({ samples, ...rest }) =>
    fc
      .record({
        inputs: matrix(samples, rest.layers[0], cell),
        targets: matrix(samples, rest.layers[rest.layers.length - 1], targetValue),
      })
      .map((data) => ({ ...rest, ...data })),
  );

async function checkConfig(c: Config): Promise<void> {
  const nets: MLP[] = [];
  try {
    const create = async (backend: 'wasm' | 'js') => {
      const net = await MLP.create({ layers: c.layers, seed: c.seed, backend });
      nets.push(net);
      return net;
    };
    const wasm = await create('wasm');
    const js = await create('js');

    sameModel('initial parameters', wasm.toJSON(), js.toJSON());
    sameRows('initial predictions', wasm.predict(c.inputs), js.predict(c.inputs));

    const wasmLoss = fitOutcome(wasm, c, c.epochs);
    const jsLoss = fitOutcome(js, c, c.epochs);
    sameOutcome('loss', wasmLoss, jsLoss);
    if (typeof wasmLoss !== 'string' && wasmLoss.length !== c.epochs) {
      throw new Error(`fit returned ${wasmLoss.length} losses for ${c.epochs} epochs`);
    }
    const trained = wasm.toJSON();
    sameModel('trained parameters', trained, js.toJSON());
    const predictions = wasm.predict(c.inputs);
    sameRows('predictions', predictions, js.predict(c.inputs));

    // Save each through JSON text and load it into the other backend.
    const wasmToJs = await MLP.fromJSON(JSON.stringify(trained), { backend: 'js' });
    nets.push(wasmToJs);
    const jsToWasm = await MLP.fromJSON(JSON.parse(JSON.stringify(js.toJSON())), { backend: 'wasm' });
    nets.push(jsToWasm);
    if (wasmToJs.backend !== 'js' || jsToWasm.backend !== 'wasm') throw new Error('fromJSON ignored { backend }');
    const loadedNames = ['original', 'loaded'];
    sameModel('wasm model loaded into js', trained, wasmToJs.toJSON(), loadedNames);
    sameRows('wasm predictions vs its copy loaded into js', predictions, wasmToJs.predict(c.inputs), loadedNames);
    sameRows('js predictions vs its copy loaded into wasm', js.predict(c.inputs), jsToWasm.predict(c.inputs), loadedNames);

    // Training on after the round trip is training on the original.
    const more = [wasm, js, wasmToJs, jsToWasm].map((net) => fitOutcome(net, c, c.moreEpochs));
    const names = ['wasm', 'js', 'wasm model loaded into js', 'js model loaded into wasm'];
    const after = [wasm, js, wasmToJs, jsToWasm].map((net) => net.toJSON());
    const predicted = [wasm, js, wasmToJs, jsToWasm].map((net) => net.predict(c.inputs));
    for (let n = 1; n < names.length; n++) {
      const pair = [names[0], names[n]];
      sameOutcome(`continued loss (${pair.join(' vs ')})`, more[0], more[n], pair);
      sameModel(`continued parameters (${pair.join(' vs ')})`, after[0], after[n], pair);
      sameRows(`continued predictions (${pair.join(' vs ')})`, predicted[0], predicted[n], pair);
    }
  } finally {
    for (const net of nets) net.dispose();
  }
}

describe('wasm and js backends are bitwise identical', () => {
  it(`on ${FC_RUNS} random configurations (fast-check seed ${FC_SEED})`, async () => {
    await fc.assert(fc.asyncProperty(configOf(inputValue), checkConfig), { seed: FC_SEED, numRuns: FC_RUNS });
  });

  it(`with extreme inputs that saturate the sigmoids, on ${Math.ceil(FC_RUNS / 5)} configurations (fast-check seed ${FC_SEED})`, async () => {
    await fc.assert(fc.asyncProperty(configOf(extremeInputValue), checkConfig), { seed: FC_SEED, numRuns: Math.ceil(FC_RUNS / 5) });
  });
});
