// A seeded fuzz of bad and borderline input to MLP.create, fit, predict, evaluate and
// fromJSON on every backend (js, wasm SIMD, wasm scalar): each call either throws an MLPError
// with a one-line message free of engine text (TypeError, RuntimeError, abort, stack frames),
// or the very error a user's getter threw, or returns only finite numbers; a fit that returns
// leaves a net whose toJSON() fromJSON loads, and a fit that throws leaves the net as it was.
// Hostile values (proxies, throwing getters) are built from plain recipes inside the
// property, so fast-check can print and replay every case.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLP, MLPError } from '../src/index.ts';

const RUNS = 10_200;
const SEED = 20_240_611;

const BACKENDS = [
  { backend: 'js' },
  { backend: 'wasm' },
  { backend: 'wasm', simd: false },
] as const;

/** What a user's throwing getter throws: it may come back unchanged, nothing else may. */
const USER_ERROR = new Error('the getter refused');

/** A plain description of a value; build() makes the value, hostile ones included. */
type Recipe =
  | { k: 'plain'; v: unknown }
  | { k: 'symbol' }
  | { k: 'bigint' }
  | { k: 'function' }
  | { k: 'typed'; type: 'f32' | 'i8' | 'u8c' | 'f64'; n: number }
  | { k: 'array'; items: Recipe[]; holes: boolean }
  | { k: 'object'; fields: [string, Recipe][]; nullProto: boolean }
  | { k: 'proxy'; of: Recipe }
  | { k: 'revoked'; array: boolean }
  | { k: 'getter'; fields: [string, Recipe][]; bad: string };

function build(r: Recipe): unknown {
  switch (r.k) {
    case 'plain': return r.v;
    case 'symbol': return Symbol('s');
    case 'bigint': return 10n;
    case 'function': return () => 1;
    case 'typed': {
      const T = { f32: Float32Array, i8: Int8Array, u8c: Uint8ClampedArray, f64: Float64Array }[r.type];
      return new T(r.n).fill(1);
    }
    case 'array': {
      const a = r.items.map(build);
      if (r.holes && a.length > 0) delete a[a.length >> 1];
      return a;
    }
    case 'object': {
      const o: Record<string, unknown> = r.nullProto ? Object.create(null) : {};
      for (const [key, value] of r.fields) o[key] = build(value);
      return o;
    }
    case 'proxy': {
      const target = build(r.of);
      return typeof target === 'object' && target !== null ? new Proxy(target, {}) : target;
    }
    case 'revoked': {
      const { proxy, revoke } = Proxy.revocable(r.array ? [] : {}, {});
      revoke();
      return proxy;
    }
    case 'getter': {
      const o: Record<string, unknown> = {};
      for (const [key, value] of r.fields) o[key] = build(value);
      Object.defineProperty(o, r.bad, { enumerable: true, get: () => { throw USER_ERROR; } });
      return o;
    }
  }
}

const plain = (v: unknown): Recipe => ({ k: 'plain', v });
const NUMBERS = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, 2, 3, 1e-300, 5e-324, 1e300, 1.7976931348623157e308, 2 ** 31, 2 ** 31 - 1, 2 ** 53, 1e-12, 1e12, 0.999999];
const someNumber = fc.oneof(fc.constantFrom(...NUMBERS), fc.double(), fc.integer({ min: -5, max: 5 }));
const someString = fc.constantFrom('', 'sigmoid', 'softmax', 'adam', 'zscore', 'bogus', 'wasm', 'js', 'x'.repeat(200), 'a\nb', 'none', 'minmax');

/** Any value at all: wrong types, extreme numbers, hostile objects. */
const anyRecipe: fc.Arbitrary<Recipe> = fc.letrec<{ value: Recipe }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    someNumber.map(plain),
    someString.map(plain),
    fc.constantFrom(true, false, null, undefined).map(plain),
    fc.constantFrom<Recipe>({ k: 'symbol' }, { k: 'bigint' }, { k: 'function' }, { k: 'revoked', array: true }, { k: 'revoked', array: false }),
    fc.record({ k: fc.constant('typed' as const), type: fc.constantFrom('f32', 'i8', 'u8c', 'f64' as const), n: fc.integer({ min: 0, max: 6 }) }),
    fc.record({ k: fc.constant('array' as const), items: fc.array(tie('value'), { maxLength: 4 }), holes: fc.boolean() }),
    fc.record({ k: fc.constant('object' as const), fields: fc.array(fc.tuple(fc.constantFrom('inputs', 'targets', 'data', 'rows', 'x'), tie('value')), { maxLength: 3 }), nullProto: fc.boolean() }),
    fc.record({ k: fc.constant('proxy' as const), of: tie('value') }),
  ),
})).value;

/** Rows of `width` numbers, mostly well-formed, sometimes not. */
function matrixRecipe(width: number): fc.Arbitrary<Recipe> {
  const cell = fc.oneof({ weight: 8, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }).map(plain) }, { weight: 1, arbitrary: someNumber.map(plain) }, { weight: 1, arbitrary: anyRecipe });
  const row = (w: number) => fc.array(cell, { minLength: w, maxLength: w }).map((items): Recipe => ({ k: 'array', items, holes: false }));
  const rows = (w: number) => fc.array(row(w), { minLength: 1, maxLength: 4 });
  return fc.oneof(
    { weight: 6, arbitrary: rows(width).map((items): Recipe => ({ k: 'array', items, holes: false })) },
    { weight: 1, arbitrary: rows(width).map((items): Recipe => ({ k: 'array', items, holes: true })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }).chain((w) => rows(w)).map((items): Recipe => ({ k: 'array', items, holes: false })) },
    { weight: 1, arbitrary: rows(width).map((items): Recipe => ({ k: 'proxy', of: { k: 'array', items, holes: false } })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 9 }).map((n): Recipe => ({ k: 'typed', type: 'f64', n })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.oneof(someNumber.map(plain), anyRecipe), fc.integer({ min: 0, max: 9 })).map(([count, n]): Recipe => ({
        k: 'object', nullProto: false, fields: [['data', { k: 'typed', type: 'f64', n }], ['rows', count]],
      })),
    },
    { weight: 1, arbitrary: anyRecipe },
  );
}

/** Good values for an option, so that bad ones meet otherwise valid calls. */
const GOOD: Record<string, unknown[]> = {
  layers: [[2, 3, 1], [2, 1], [2, 3, 2], [1, 1]],
  activation: ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'linear', ['tanh', 'softmax'], ['relu', 'linear']],
  alpha: [0, 0.01, 1e300],
  loss: ['mse', 'cross-entropy', 'binary-cross-entropy'],
  init: ['uniform', 'xavier', 'he'],
  seed: [0, 1, 4294967295],
  threads: [1, 2],
  simd: [true, false],
  classes: [['a', 'b'], ['a', 'b', 'c'], null],
  epochs: [0, 1, 2, 2147483647],
  learningRate: [0.1, 1, 5e-324, 1e-300, 1e300, 1e200, 10],
  batchSize: [1, 2, 3, 64],
  optimizer: ['sgd', 'momentum', 'adam'],
  momentum: [0, 0.9, 1e300],
  beta1: [0, 0.9, 0.999999],
  beta2: [0, 0.999],
  epsilon: [1e-8, 5e-324, 1e300],
  weightDecay: [0, 0.1, 1e300],
  shuffle: [true, false],
  validationSplit: [0, 0.5, 0.9],
  errorThreshold: [-Infinity, 0, 1e300],
  patience: [1, 2],
  restoreBestWeights: [true, false],
  callbackEvery: [1, 2],
  normalize: ['none', 'zscore', 'minmax'],
  features: [['a', 'b'], ['a', 'a'], ['only-one']],
  target: ['t', 7],
  includeOptimizer: [true, false],
};
const CREATE_KEYS = ['layers', 'activation', 'alpha', 'loss', 'init', 'seed', 'threads', 'simd', 'classes'];
const FIT_KEYS = [
  'epochs', 'learningRate', 'batchSize', 'optimizer', 'momentum', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'shuffle', 'validationSplit',
  'errorThreshold', 'patience', 'restoreBestWeights', 'callbackEvery', 'normalize',
];

function valueFor(key: string): fc.Arbitrary<Recipe> {
  const good = GOOD[key] ?? [undefined];
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...good).map(plain) }, { weight: 1, arbitrary: anyRecipe });
}

/** An options object over `keys` (plus, now and then, an unknown key), wrapped plainly or hostilely. */
function optionsRecipe(keys: string[], extra: [string, fc.Arbitrary<Recipe>][] = []): fc.Arbitrary<Recipe> {
  const field = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...keys).chain((key) => valueFor(key).map((v): [string, Recipe] => [key, v])) },
    { weight: 1, arbitrary: fc.constant<[string, Recipe]>(['learningrate', plain(0.1)]) },
    ...extra.map(([key, arbitrary]) => ({ weight: 2, arbitrary: arbitrary.map((v): [string, Recipe] => [key, v]) })),
  );
  const fields = fc.uniqueArray(field, { maxLength: 4, selector: ([key]) => key });
  return fc.oneof(
    { weight: 10, arbitrary: fields.map((f): Recipe => ({ k: 'object', fields: f, nullProto: false })) },
    { weight: 2, arbitrary: fields.map((f): Recipe => ({ k: 'object', fields: f, nullProto: true })) },
    { weight: 2, arbitrary: fields.map((f): Recipe => ({ k: 'proxy', of: { k: 'object', fields: f, nullProto: false } })) },
    { weight: 1, arbitrary: fc.tuple(fields, fc.constantFrom(...keys)).map(([f, bad]): Recipe => ({ k: 'getter', fields: f.filter(([key]) => key !== bad), bad })) },
    { weight: 1, arbitrary: fc.constant<Recipe>({ k: 'revoked', array: false }) },
    { weight: 1, arbitrary: anyRecipe },
  );
}

/** A Dataset (inputs, targets and loadCSV's other fields), or something posing as one. */
function datasetRecipe(n0: number, nL: number): fc.Arbitrary<Recipe> {
  return optionsRecipe(['features', 'target', 'classes', 'normalize'], [['inputs', matrixRecipe(n0)], ['targets', matrixRecipe(nL)]]).map((r) => {
    // A dataset needs inputs and targets to be taken for one: add them where missing.
    if (r.k !== 'object' && r.k !== 'proxy' && r.k !== 'getter') return r;
    const target = r.k === 'proxy' ? r.of : r;
    if (target.k !== 'object' && target.k !== 'getter') return r;
    for (const key of ['inputs', 'targets']) if (!target.fields.some(([k]) => k === key)) target.fields.push([key, plain([[0, 0]])]);
    return r;
  });
}

type Op =
  | { op: 'create'; options: Recipe }
  | { op: 'fit'; net: number; x: Recipe; y: Recipe; options: Recipe }
  | { op: 'fitDataset'; net: number; data: Recipe; options: Recipe }
  | { op: 'predict'; net: number; x: Recipe }
  | { op: 'evaluate'; net: number; x: Recipe; y: Recipe }
  | { op: 'fromJSON'; net: number; edit: ModelEdit; options: Recipe }
  | { op: 'toJSON'; net: number; options: Recipe };

type ModelEdit =
  | { e: 'field'; path: string[]; value: Recipe }
  | { e: 'drop'; field: string }
  | { e: 'wrap'; how: 'proxy' | 'nullProto' | 'text' | 'truncated' }
  | { e: 'normalization'; kind: unknown; offset: Recipe; scale: Recipe }
  | { e: 'scaleWeights'; by: number };

/** The nets every backend keeps for the fit, predict, evaluate and fromJSON cases: a 2-3-1 sigmoid net and a 2-3-2 softmax one. */
const NETS = [
  { layers: [2, 3, 1], activation: 'sigmoid', loss: 'mse' },
  { layers: [2, 3, 2], activation: ['tanh', 'softmax'], loss: 'cross-entropy', classes: ['no', 'yes'] },
] as const;

const MODEL_FIELDS = ['format', 'version', 'layers', 'activations', 'alpha', 'loss', 'normalization', 'classes', 'features', 'target', 'weights', 'biases', 'training'];
const modelEdit: fc.Arbitrary<ModelEdit> = fc.oneof(
  fc.record({
    e: fc.constant('field' as const),
    path: fc.oneof(
      fc.constantFrom(...MODEL_FIELDS).map((f) => [f]),
      fc.constantFrom('weights.0', 'weights.0.1', 'biases.1.0', 'training.step', 'training.random', 'training.state1.0', 'layers.1', 'activations.0').map((p) => p.split('.')),
    ),
    value: fc.oneof(valueFor('layers'), anyRecipe),
  }),
  fc.record({ e: fc.constant('drop' as const), field: fc.constantFrom(...MODEL_FIELDS) }),
  fc.record({ e: fc.constant('wrap' as const), how: fc.constantFrom('proxy', 'nullProto', 'text', 'truncated' as const) }),
  fc.record({
    e: fc.constant('normalization' as const),
    kind: fc.constantFrom('zscore', 'minmax', 'bogus'),
    offset: fc.oneof(fc.tuple(someNumber, someNumber).map(([a, b]) => plain([a, b])), anyRecipe),
    scale: fc.oneof(fc.tuple(someNumber, someNumber).map(([a, b]) => plain([a, b])), anyRecipe),
  }),
  fc.record({ e: fc.constant('scaleWeights' as const), by: fc.constantFrom(1e150, 1e300, -1e300, 1e-300) }),
);

const netIndex = fc.integer({ min: 0, max: NETS.length - 1 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: optionsRecipe(CREATE_KEYS).map((options): Op => ({ op: 'create', options })) },
  { weight: 5, arbitrary: netIndex.chain((net) => fc.record({ op: fc.constant('fit' as const), net: fc.constant(net), x: matrixRecipe(2), y: matrixRecipe(NETS[net].layers.at(-1)!), options: optionsRecipe(FIT_KEYS) })) },
  { weight: 2, arbitrary: netIndex.chain((net) => fc.record({ op: fc.constant('fitDataset' as const), net: fc.constant(net), data: datasetRecipe(2, NETS[net].layers.at(-1)!), options: optionsRecipe(FIT_KEYS) })) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('predict' as const), net: netIndex, x: matrixRecipe(2) }) },
  { weight: 2, arbitrary: netIndex.chain((net) => fc.record({ op: fc.constant('evaluate' as const), net: fc.constant(net), x: matrixRecipe(2), y: matrixRecipe(NETS[net].layers.at(-1)!) })) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('fromJSON' as const), net: netIndex, edit: modelEdit, options: optionsRecipe(['seed', 'threads', 'simd']) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('toJSON' as const), net: netIndex, options: optionsRecipe(['includeOptimizer']) }) },
);

function editModel(model: Record<string, unknown>, edit: ModelEdit): unknown {
  const m = structuredClone(model);
  switch (edit.e) {
    case 'field': {
      let at: Record<string, unknown> = m;
      for (const key of edit.path.slice(0, -1)) {
        if (at[key] === null || typeof at[key] !== 'object') return m;
        at = at[key] as Record<string, unknown>;
      }
      at[edit.path.at(-1)!] = build(edit.value);
      return m;
    }
    case 'drop':
      delete m[edit.field];
      return m;
    case 'wrap':
      if (edit.how === 'proxy') return new Proxy(m, {});
      if (edit.how === 'nullProto') return Object.assign(Object.create(null), m);
      return edit.how === 'text' ? JSON.stringify(m) : JSON.stringify(m).slice(0, -7);
    case 'normalization':
      m.normalization = { kind: edit.kind, offset: build(edit.offset), scale: build(edit.scale) };
      return m;
    case 'scaleWeights':
      m.weights = (m.weights as number[][]).map((w) => w.map((x) => x * edit.by));
      return m;
  }
}

/** Whether the test may spread `value` (a plain object, no proxy: a revoked one throws even here). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  try {
    return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
  } catch {
    return false;
  }
}

/** With a valid epochs count above a few, stop after the first epoch: the cases stay tiny. */
function tiny(options: unknown): unknown {
  if (!isPlainObject(options) || Object.values(Object.getOwnPropertyDescriptors(options)).some((d) => d.get)) return options;
  const o = options as Record<string, unknown>;
  if (typeof o.epochs === 'number' && o.epochs > 3 && !('onEpochEnd' in o)) return { ...o, onEpochEnd: () => false };
  return options;
}

function expectFinite(value: unknown, what: string): void {
  if (typeof value === 'number') expect(Number.isFinite(value), `${what} is ${value}`).toBe(true);
  else if (Array.isArray(value)) value.forEach((v, i) => expectFinite(v, `${what}[${i}]`));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) expectFinite(v, `${what}.${k}`);
}

function expectCleanError(error: unknown): void {
  if (error === USER_ERROR) return;
  expect(error, `not an MLPError: ${String(error)}`).toBeInstanceOf(MLPError);
  const message = (error as MLPError).message;
  expect(message).not.toContain('\n');
  for (const bad of ['TypeError', 'RuntimeError', 'abort', 'unreachable', '    at ']) expect(message).not.toContain(bad);
}

describe.each(BACKENDS)('fuzz: bad and borderline input gives an MLPError or finite results (%j)', (where) => {
  const nets: MLP[] = [];
  beforeAll(async () => {
    for (const n of NETS) nets.push(await MLP.create({ ...n, seed: 3, ...where } as never));
  });
  afterAll(() => nets.forEach((n) => n.dispose()));

  it(`${Math.ceil(RUNS / BACKENDS.length)} cases`, async () => {
    await fc.assert(
      fc.asyncProperty(opArbitrary, async (op) => {
        const net = 'net' in op ? nets[op.net] : undefined;
        const before = net && JSON.stringify(net.toJSON({ includeOptimizer: true }));
        let result: unknown;
        try {
          switch (op.op) {
            case 'create': {
              const options = build(op.options);
              const withBackend = isPlainObject(options) && !Object.values(Object.getOwnPropertyDescriptors(options)).some((d) => d.get) ? { ...options, ...where } : options;
              const created = await MLP.create(withBackend as never);
              result = created.toJSON();
              created.dispose();
              break;
            }
            case 'fit':
              result = net!.fit(build(op.x) as never, build(op.y) as never, tiny(build(op.options)) as never);
              break;
            case 'fitDataset':
              result = net!.fit(build(op.data) as never, tiny(build(op.options)) as never);
              break;
            case 'predict':
              result = net!.predict(build(op.x) as never);
              break;
            case 'evaluate':
              result = net!.evaluate(build(op.x) as never, build(op.y) as never);
              break;
            case 'fromJSON': {
              const model = editModel(net!.toJSON({ includeOptimizer: op.net === 1 }) as never, op.edit);
              const loaded = await MLP.fromJSON(model, build(op.options) as never);
              result = loaded.predict([[0.5, -0.5], [3, 1e3]]);
              loaded.dispose();
              break;
            }
            case 'toJSON':
              result = net!.toJSON(build(op.options) as never);
              break;
          }
        } catch (error) {
          expectCleanError(error);
          // Every public call is a transaction: a failed one leaves the net as it was.
          if (net) expect(JSON.stringify(net.toJSON({ includeOptimizer: true }))).toBe(before);
          return;
        }
        expectFinite(result, op.op);
        if (net && (op.op === 'fit' || op.op === 'fitDataset')) {
          const reloaded = await MLP.fromJSON(net.toJSON({ includeOptimizer: true }), where);
          expectFinite(reloaded.predict([[0, 1]]), 'predict after fit');
          reloaded.dispose();
        }
      }),
      { seed: SEED + BACKENDS.indexOf(where), numRuns: Math.ceil(RUNS / BACKENDS.length), endOnFailure: true },
    );
  });
});
