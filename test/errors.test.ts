// Bad input to the library, on both backends: every bad `layers`, `seed`, `backend`,
// `learningRate`, `epochs`, unknown option name, `inputs`/`targets` matrix, model JSON given
// to MLP.fromJSON and use of a disposed net is rejected with an MLPError whose `code` is
// right and whose message names the argument, shows the value and says what was expected.
// No message may be more than one line, or carry a WebAssembly trap ('unreachable',
// 'RuntimeError'), AssemblyScript 'abort' text or a stack frame; a rejected call leaves
// the net as it was.
import { describe, expect, it } from 'vitest';
import { MLP, MLPError, parseCSV, type MLPErrorCode, type ModelJSON } from '../src/index.ts';

type Backend = 'wasm' | 'js';
const BACKENDS: Backend[] = ['wasm', 'js'];

const FORBIDDEN = ['unreachable', 'RuntimeError', 'abort', '    at '];

/** Every message the tests saw, for the final sweep. */
const seen: string[] = [];

/**
 * Runs `call` (sync or async), expects it to fail with an MLPError of `code` whose message
 * contains every one of `parts` (the argument, the value as shown, what was expected).
 */
async function expectError(call: () => unknown, code: MLPErrorCode, parts: string[]): Promise<MLPError> {
  let caught: unknown;
  try {
    await call();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'the call should have thrown').toBeDefined();
  const message = caught instanceof Error ? caught.message : String(caught);
  seen.push(message);
  expect(caught, `not an MLPError: ${message}`).toBeInstanceOf(MLPError);
  const error = caught as MLPError;
  expect(error.name).toBe('MLPError');
  expect(error.code, message).toBe(code);
  for (const part of parts) expect(message).toContain(part);
  expectClean(message);
  return error;
}

function expectClean(message: string): void {
  for (const bad of FORBIDDEN) expect(message).not.toContain(bad);
  expect(message, 'a message must be a single line').not.toContain('\n');
}

const XOR_INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_TARGETS = [[0], [1], [1], [0]];

const net = (backend: Backend) => MLP.create({ layers: [2, 3, 1], seed: 7, backend });

const LAYERS_EXPECTED = 'an array of at least 2 positive integers (input, hidden..., output sizes)';

describe.each(BACKENDS)('MLP.create, %s backend', (backend) => {
  const create = (options: Record<string, unknown>) => () => MLP.create({ backend, ...options } as never);

  it.each([
    ['not an array (a number)', 3, 'got 3'],
    ['not an array (a string)', '2,3,1', 'got "2,3,1"'],
    ['not an array (an object)', { 0: 2, 1: 1 }, 'got {"0":2,"1":1}'],
    ['missing', undefined, 'got undefined'],
    ['empty', [], 'got []'],
    ['one entry', [2], 'got [2]'],
    ['a zero', [2, 0, 1], 'got [2,0,1]'],
    ['a negative', [2, -1, 1], 'got [2,-1,1]'],
    ['a fraction', [2, 1.5, 1], 'got [2,1.5,1]'],
    ['a string', [2, '3', 1], 'got [2,"3",1]'],
    ['null', [2, null, 1], 'got [2,null,1]'],
    ['Infinity', [2, Infinity], 'got [2,Infinity]'],
    // NaN must show as NaN, not as the string "NaN" (which is what [2, 'NaN', 1] shows).
    ['NaN', [2, NaN, 1], 'got [2,NaN,1]'],
  ])('layers %s', async (_name, layers, got) => {
    await expectError(create({ layers }), 'INVALID_ARGUMENT', ['layers must be', LAYERS_EXPECTED, got]);
  });

  it('layers too large for memory: says how large and what the limit is', async () => {
    await expectError(create({ layers: [1e6, 1e6, 1e6] }), 'OUT_OF_MEMORY', [
      'layers [1000000,1000000,1000000]',
      'needs 101.9 TiB',
      'the limit is 4.0 GiB',
    ]);
    await expectError(create({ layers: [2 ** 40, 2 ** 40] }), 'OUT_OF_MEMORY', ['layers [1099511627776,1099511627776]', 'needs', 'PiB', 'the limit is 4.0 GiB']);
  });

  it.each([
    [-1, 'got -1'],
    [1.5, 'got 1.5'],
    [2 ** 32, 'got 4294967296'],
    [NaN, 'got NaN'],
    [Infinity, 'got Infinity'],
    ['42', 'got "42"'],
    [null, 'got null'],
  ])('seed %s', async (seed, got) => {
    await expectError(create({ layers: [2, 1], seed }), 'INVALID_ARGUMENT', ['seed must be', 'an integer from 0 to 4294967295', got]);
  });

  it('unknown option name', async () => {
    await expectError(create({ layers: [2, 1], learningrate: 0.1 }), 'INVALID_ARGUMENT', [
      "unknown option 'learningrate'",
      'expected one of layers, activation, alpha, loss, init, seed, backend, simd, threads, classes',
    ]);
  });
});

describe('MLP.create options', () => {
  it("backend 'gpu'", async () => {
    await expectError(() => MLP.create({ layers: [2, 1], backend: 'gpu' } as never), 'INVALID_ARGUMENT', [
      'backend must be',
      "one of 'wasm', 'js'",
      'got "gpu"',
    ]);
  });

  it('options missing or not an object', async () => {
    await expectError(() => MLP.create(undefined as never), 'INVALID_ARGUMENT', ['options must be', '{ layers }', 'got undefined']);
    await expectError(() => MLP.create(null as never), 'INVALID_ARGUMENT', ['options must be', 'an object', 'got null']);
    await expectError(() => MLP.create([2, 1] as never), 'INVALID_ARGUMENT', ['options must be', 'an object', 'got [2,1]']);
  });
});

describe.each(BACKENDS)('fit options, %s backend', (backend) => {
  it.each([
    [0, 'got 0'],
    [-0.1, 'got -0.1'],
    [NaN, 'got NaN'],
    [Infinity, 'got Infinity'],
    [-Infinity, 'got -Infinity'],
    ['0.1', 'got "0.1"'],
  ])('learningRate %s', async (learningRate, got) => {
    const n = await net(backend);
    await expectError(() => n.fit(XOR_INPUTS, XOR_TARGETS, { learningRate } as never), 'INVALID_ARGUMENT', [
      'learningRate must be',
      'a finite number > 0',
      got,
    ]);
  });

  it.each([
    [-1, 'got -1'],
    [1.5, 'got 1.5'],
    [NaN, 'got NaN'],
    [Infinity, 'got Infinity'],
    [2 ** 31, 'got 2147483648'],
    ['10', 'got "10"'],
  ])('epochs %s', async (epochs, got) => {
    const n = await net(backend);
    await expectError(() => n.fit(XOR_INPUTS, XOR_TARGETS, { epochs } as never), 'INVALID_ARGUMENT', [
      'epochs must be',
      'an integer from 0 to 2147483647',
      got,
    ]);
  });

  it('unknown option name', async () => {
    const n = await net(backend);
    await expectError(() => n.fit(XOR_INPUTS, XOR_TARGETS, { learningrate: 0.1 } as never), 'INVALID_ARGUMENT', [
      "options has an unknown option 'learningrate'",
      'expected one of epochs, learningRate',
    ]);
  });

  it('options not an object', async () => {
    const n = await net(backend);
    await expectError(() => n.fit(XOR_INPUTS, XOR_TARGETS, null as never), 'INVALID_ARGUMENT', ['options must be an object', 'got null']);
    await expectError(() => n.fit(XOR_INPUTS, XOR_TARGETS, 0.1 as never), 'INVALID_ARGUMENT', ['options must be an object', 'got 0.1']);
  });

  it('a learning rate that makes the loss overflow: TRAINING_DIVERGED, the net left as it was', async () => {
    const n = await net(backend);
    const before = JSON.stringify(n.toJSON());
    await expectError(() => n.fit([[1e308, -1e308]], [[1e308]], { learningRate: 1, epochs: 3 }), 'TRAINING_DIVERGED', [
      'training diverged: the loss of epoch 1 is Infinity',
      'try a smaller learningRate than 1',
      'the net is left as it was before fit',
    ]);
    expect(JSON.stringify(n.toJSON())).toBe(before);
  });

  // The loss is measured before each update, so an update that overflows a parameter to
  // -Infinity in the last epoch passes the loss check; kept, the net would hold a parameter
  // that toJSON writes as null and that fromJSON (and `wasm-mlp predict`) refuses.
  it('an update that overflows a parameter is reported, not kept', async () => {
    const n = await net(backend);
    const before = n.toJSON();
    const w = before.weights[0];
    const x = [1e3, (-1e3 * w[0]) / w[1]]; // keeps hidden unit 1 unsaturated, so its gradient is large
    await expectError(() => n.fit([x], [[0]], { learningRate: 1e308 }), 'TRAINING_DIVERGED', [
      'training diverged: a parameter of layer 1 overflowed by epoch 1',
      'try a smaller learningRate than 1e+308',
      'the net is left as it was before fit',
    ]);
    expect(n.toJSON()).toEqual(before);
    const reloaded = await MLP.fromJSON(JSON.stringify(n.toJSON()), { backend });
    expect(reloaded.toJSON()).toEqual(before);
  });
});

describe.each(BACKENDS)('inputs and targets, %s backend', (backend) => {
  const FIT = 'fit' as const;
  const PREDICT = 'predict' as const;
  type Case = [string, 'fit' | 'predict', unknown, unknown, string[]];
  const cases: Case[] = [
    ['inputs empty', FIT, [], XOR_TARGETS, ['inputs must be', 'at least one row', 'got []']],
    ['targets empty', FIT, XOR_INPUTS, [], ['targets must be', 'at least one row', 'got []']],
    ['predict inputs empty', PREDICT, [], undefined, ['inputs must be', 'at least one row', 'got []']],
    ['inputs ragged', FIT, [[0, 0], [0], [1, 0], [1, 1]], XOR_TARGETS, ['inputs[1] must be', "a row of 2 numbers (the network's input size)", 'got [0]']],
    ['targets ragged', FIT, XOR_INPUTS, [[0], [1], [], [0]], ['targets[2] must be', "(the network's output size)", 'got []']],
    ['predict inputs ragged', PREDICT, [[1, 2], [1]], undefined, ['inputs[1] must be', "a row of 2 numbers (the network's input size)", 'got [1]']],
    ['inputs too wide', FIT, [[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 1, 0]], XOR_TARGETS, ['inputs[0] must be', "a row of 2 numbers (the network's input size)", 'got [0,0,0]']],
    ['targets too wide', FIT, XOR_INPUTS, [[0, 1], [1, 1], [1, 1], [0, 1]], ['targets[0] must be', "(the network's output size)", 'got [0,1]']],
    ['predict inputs too narrow', PREDICT, [[1]], undefined, ['inputs[0] must be', "a row of 2 numbers (the network's input size)", 'got [1]']],
    ['row counts differ', FIT, XOR_INPUTS, [[0], [1], [1]], ['targets must have one row per input row (4)', 'got 3 rows']],
    ['NaN in inputs', FIT, [[0, NaN], [0, 1], [1, 0], [1, 1]], XOR_TARGETS, ['inputs[0][1] must be', 'a finite number', 'got NaN']],
    ['Infinity in inputs', FIT, [[0, 0], [0, Infinity], [1, 0], [1, 1]], XOR_TARGETS, ['inputs[1][1] must be', 'a finite number', 'got Infinity']],
    ['-Infinity in targets', FIT, XOR_INPUTS, [[0], [1], [-Infinity], [0]], ['targets[2][0] must be', 'a finite number', 'got -Infinity']],
    ['NaN in targets', FIT, XOR_INPUTS, [[0], [1], [1], [NaN]], ['targets[3][0] must be', 'a finite number', 'got NaN']],
    ['NaN in predict inputs', PREDICT, [[1, NaN]], undefined, ['inputs[0][1] must be', 'a finite number', 'got NaN']],
    ["a string '1' in inputs", FIT, [[0, '1'], [0, 1], [1, 0], [1, 1]], XOR_TARGETS, ['inputs[0][1] must be', 'a finite number', 'got "1"']],
    ['null in inputs', FIT, [[0, 0], [0, 1], [1, null], [1, 1]], XOR_TARGETS, ['inputs[2][1] must be', 'a finite number', 'got null']],
    ['null in targets', FIT, XOR_INPUTS, [[0], [null], [1], [0]], ['targets[1][0] must be', 'a finite number', 'got null']],
    ['a null row', FIT, [[0, 0], null, [1, 0], [1, 1]], XOR_TARGETS, ['inputs[1] must be', 'an array of 2 numbers', 'got null']],
    ['a string row', PREDICT, ['12'], undefined, ['inputs[0] must be', 'an array of 2 numbers', 'got "12"']],
    ['inputs a string', FIT, 'abc', XOR_TARGETS, ['inputs must be', 'an array of rows (number[][]), a row-major Float64Array or Float32Array, or { data, rows }', 'got "abc"']],
    ['inputs missing', PREDICT, undefined, undefined, ['inputs must be', 'an array of rows', 'got undefined']],
    ['targets null', FIT, XOR_INPUTS, null, ['targets must be', 'an array of rows', 'got null']],
    ['Float64Array length not a multiple of the width', FIT, new Float64Array(7), XOR_TARGETS, ['inputs must be', 'a non-empty row-major Float64Array whose length is a multiple of 2', 'got a Float64Array of length 7']],
    ['empty Float64Array', PREDICT, new Float64Array(0), undefined, ['inputs must be', 'a non-empty row-major Float64Array', 'got a Float64Array of length 0']],
    ['NaN in a Float64Array', PREDICT, new Float64Array([0, 1, 2, NaN]), undefined, ['inputs[1][1] must be', 'a finite number', 'got NaN']],
    ['{ data, rows } inconsistent', FIT, { data: new Float64Array(8), rows: 3 }, XOR_TARGETS, ['inputs.data must be', '3 rows x 2 columns = 6 numbers', 'got a Float64Array of length 8']],
    ['{ data, rows } inconsistent (array data)', PREDICT, { data: [1, 2, 3], rows: 1 }, undefined, ['inputs.data must be', '1 rows x 2 columns = 2 numbers', 'got [1,2,3]']],
    ['{ data, rows } rows 0', PREDICT, { data: [], rows: 0 }, undefined, ['inputs.rows must be', 'a positive integer', 'got 0']],
    ['{ data, rows } rows 1.5', PREDICT, { data: [0, 0, 0], rows: 1.5 }, undefined, ['inputs.rows must be', 'a positive integer', 'got 1.5']],
    ['{ data, rows } data a string', FIT, { data: 'abcd', rows: 2 }, XOR_TARGETS, ['inputs.data must be', 'a Float64Array, a Float32Array or an array of numbers', 'got "abcd"']],
    ['{ data, rows } NaN in data', FIT, XOR_INPUTS, { data: [0, 1, NaN, 0], rows: 4 }, ['targets[2][0] must be', 'a finite number', 'got NaN']],
    // Array holes (which forEach would skip): a missing row is reported, not read as zeros.
    ['a hole for a row of inputs', PREDICT, [, [1, 2]], undefined, ['inputs[0] must be', 'an array of 2 numbers', 'got undefined']],
    ['a hole for a row of targets', FIT, [[0, 0], [1, 1]], [[1], ,], ['targets[1] must be', 'an array of 1 numbers', 'got undefined']],
    ['a hole for a number', PREDICT, [[1, ,]], undefined, ['inputs[0][1] must be', 'a finite number', 'got undefined']],
  ];

  it.each(cases)('%s', async (_name, method, inputs, targets, parts) => {
    const n = await net(backend);
    await expectError(
      () => (method === 'fit' ? n.fit(inputs as never, targets as never) : n.predict(inputs as never)),
      'INVALID_ARGUMENT',
      parts,
    );
  });

  it('a rejected call leaves the net as it was', async () => {
    const n = await net(backend);
    const before = JSON.stringify(n.toJSON());
    const prediction = n.predict(XOR_INPUTS);
    for (const [, method, inputs, targets] of cases) {
      try {
        if (method === 'fit') n.fit(inputs as never, targets as never, { epochs: 5 });
        else n.predict(inputs as never);
      } catch {
        /* each is rejected above */
      }
    }
    expect(JSON.stringify(n.toJSON())).toBe(before);
    expect(n.predict(XOR_INPUTS)).toEqual(prediction);
  });
});

describe.each(BACKENDS)('MLP.fromJSON, %s backend', (backend) => {
  const good = async (): Promise<ModelJSON> => (await net(backend)).toJSON();
  const load = (json: unknown) => () => MLP.fromJSON(json, { backend });
  const withField = async (field: string, value: unknown) => ({ ...(await good()), [field]: value });

  it('not JSON text', async () => {
    await expectError(load('hello'), 'INVALID_MODEL', ['model is not valid JSON', 'hello']);
    await expectError(load(''), 'INVALID_MODEL', ['model is not valid JSON']);
  });

  it('truncated JSON text', async () => {
    const text = JSON.stringify(await good());
    await expectError(load(text.slice(0, 50)), 'INVALID_MODEL', ['model is not valid JSON', 'is the file truncated?']);
    await expectError(load(text.slice(0, -1)), 'INVALID_MODEL', ['model is not valid JSON', 'is the file truncated?']);
  });

  it('JSON text that is not an object', async () => {
    await expectError(load('42'), 'INVALID_MODEL', ['model must be a JSON object', 'got 42']);
    await expectError(load('[1]'), 'INVALID_MODEL', ['model must be a JSON object', 'got [1]']);
    await expectError(load(null), 'INVALID_MODEL', ['model must be a JSON object', 'got null']);
    await expectError(load(undefined), 'INVALID_MODEL', ['model must be a JSON object', 'got undefined']);
  });

  it("a model file's bytes instead of its text: says to decode them", async () => {
    const bytes = new TextEncoder().encode('{"format":"wasm-mlp"}');
    for (const value of [bytes, bytes.buffer]) {
      const error = await expectError(load(value), 'INVALID_MODEL', []);
      expect(error.message).toBe(`model must be a JSON object or its JSON text (decode bytes first: new TextDecoder().decode(bytes)); got ${value instanceof ArrayBuffer ? 'an ArrayBuffer of 21 bytes' : 'a Uint8Array of length 21'}`);
    }
  });

  it('wrong format', async () => {
    await expectError(load(await withField('format', 'keras')), 'INVALID_MODEL', ['model format must be', "'wasm-mlp'", 'got "keras"']);
    await expectError(load(await withField('format', undefined)), 'INVALID_MODEL', ['model format must be', "'wasm-mlp'", 'got undefined']);
  });

  it('wrong version', async () => {
    await expectError(load(await withField('version', 3)), 'INVALID_MODEL', ['model version must be', '1 or 2 (the versions this wasm-mlp reads)', 'got 3']);
    await expectError(load(await withField('version', '1')), 'INVALID_MODEL', ['model version must be', 'got "1"']);
  });

  it.each([
    [[2, 0, 1], 'got [2,0,1]'],
    [[2], 'got [2]'],
    [[2, -3, 1], 'got [2,-3,1]'],
    [[2, 1.5, 1], 'got [2,1.5,1]'],
    ['2-3-1', 'got "2-3-1"'],
    [undefined, 'got undefined'],
  ])('layers invalid: %j', async (layers, got) => {
    await expectError(load(await withField('layers', layers)), 'INVALID_MODEL', ['model layers must be', LAYERS_EXPECTED, got]);
  });

  it('layers too large for memory', async () => {
    await expectError(load(await withField('layers', [1e6, 1e6, 1e6])), 'INVALID_MODEL', [
      'model layers [1000000,1000000,1000000]',
      'needs 101.9 TiB',
      'the limit is 4.0 GiB',
    ]);
  });

  it('weights and biases inconsistent with layers', async () => {
    const m = await good();
    await expectError(load({ ...m, layers: [2, 4, 1] }), 'INVALID_MODEL', ['model weights[0] must be', 'an array of 8 numbers (layer 1: 4 outputs x 2 inputs)', 'got [']);
    await expectError(load({ ...m, layers: [2, 3, 1, 1] }), 'INVALID_MODEL', ['model weights must be', 'an array of 3 arrays, one per weight layer of layers [2,3,1,1]', 'got [[']);
    await expectError(load({ ...m, weights: [m.weights[0]] }), 'INVALID_MODEL', ['model weights must be', 'an array of 2 arrays, one per weight layer of layers [2,3,1]', 'got [[']);
    await expectError(load({ ...m, weights: [m.weights[0].slice(1), m.weights[1]] }), 'INVALID_MODEL', ['model weights[0] must be', 'an array of 6 numbers (layer 1: 3 outputs x 2 inputs)', `got [${m.weights[0][1]},`]);
    await expectError(load({ ...m, weights: [m.weights[0], [0.5, 0.25]] }), 'INVALID_MODEL', ['model weights[1] must be', 'an array of 3 numbers (layer 2: 1 outputs x 3 inputs)', 'got [0.5,0.25]']);
    await expectError(load({ ...m, biases: [m.biases[0], [1, 2]] }), 'INVALID_MODEL', ['model biases[1] must be', 'an array of 1 numbers (layer 2: 1 outputs)', 'got [1,2]']);
    await expectError(load({ ...m, biases: 'x' }), 'INVALID_MODEL', ['model biases must be', 'an array of 2 arrays', 'got "x"']);
    await expectError(load({ ...m, weights: undefined }), 'INVALID_MODEL', ['model weights must be', 'an array of 2 arrays', 'got undefined']);
  });

  it('a non-finite or non-number parameter', async () => {
    const m = await good();
    const patched = (name: 'weights' | 'biases', l: number, i: number, value: unknown) => {
      const copy = structuredClone(m) as unknown as Record<string, unknown[][]>;
      copy[name][l][i] = value;
      return copy;
    };
    await expectError(load(patched('weights', 0, 2, null)), 'INVALID_MODEL', ['model weights[0][2] must be', 'a finite number', 'got null']);
    await expectError(load(patched('weights', 1, 0, '1e999')), 'INVALID_MODEL', ['model weights[1][0] must be', 'a finite number', 'got "1e999"']);
    await expectError(load(patched('biases', 0, 1, Infinity)), 'INVALID_MODEL', ['model biases[0][1] must be', 'a finite number', 'got Infinity']);
    await expectError(load(patched('biases', 1, 0, NaN)), 'INVALID_MODEL', ['model biases[1][0] must be', 'a finite number', 'got NaN']);
    // A number too large for a double is parsed by JSON.parse as Infinity.
    const text = JSON.stringify(m).replace(`[[${m.weights[0][0]},`, '[[1e999,');
    await expectError(load(text), 'INVALID_MODEL', ['model weights[0][0] must be', 'a finite number', 'got Infinity']);
  });

  it('a hole in a weights array: reported, not loaded as NaN', async () => {
    const m = await good();
    const holey = structuredClone(m);
    delete (holey.weights[0] as (number | undefined)[])[0];
    await expectError(load(holey), 'INVALID_MODEL', ['model weights[0][0] must be', 'a finite number', 'got undefined']);
  });

  it("NaN written by hand in the JSON text (not JSON): one line that shows the 'NaN'", async () => {
    const m = await good();
    const compact = JSON.stringify(m).replace(`[[${m.weights[0][0]},`, '[[NaN,');
    await expectError(load(compact), 'INVALID_MODEL', ['model is not valid JSON', 'NaN']);
    // A pretty-printed file: V8's JSON.parse message quotes the text around the error,
    // newlines included; the message must stay one line.
    const pretty = JSON.stringify(m, null, 2).replace(`${m.weights[0][0]},`, 'NaN,');
    await expectError(load(pretty), 'INVALID_MODEL', ['model is not valid JSON', 'NaN']);
  });

  it('activation unknown', async () => {
    await expectError(load(await withField('activations', ['relu', 'swish'])), 'INVALID_MODEL', ['model activations[1] must be', "one of 'sigmoid', 'tanh', 'relu', 'leaky-relu', 'linear', 'softmax'", 'got "swish"']);
    await expectError(load(await withField('activations', undefined)), 'INVALID_MODEL', ['model activations must be', "one of 'sigmoid'", 'got undefined']);
    await expectError(load({ ...(await good()), activation: 'sigmoid' }), 'INVALID_MODEL', ["model has an unknown field 'activation'", 'a version 2 model has']);
  });

  it('unknown load option', async () => {
    const m = await good();
    await expectError(() => MLP.fromJSON(m, { backend, seeds: 1 } as never), 'INVALID_ARGUMENT', [
      "options has an unknown option 'seeds'",
      'expected one of backend, simd, threads, seed',
    ]);
  });
});

describe('MLP.fromJSON options', () => {
  it("backend 'gpu'", async () => {
    const m = (await net('js')).toJSON();
    await expectError(() => MLP.fromJSON(m, { backend: 'gpu' } as never), 'INVALID_ARGUMENT', ['backend must be', "one of 'wasm', 'js'", 'got "gpu"']);
  });
});

describe.each(BACKENDS)('a disposed net, %s backend', (backend) => {
  it.each([
    ['net.predict()', 'predict', (n: MLP) => n.predict(XOR_INPUTS)],
    ['net.fit()', 'fit', (n: MLP) => n.fit(XOR_INPUTS, XOR_TARGETS)],
    ['net.toJSON()', 'toJSON', (n: MLP) => n.toJSON()],
    ['net.save()', 'save', (n: MLP) => n.save('never-written.json')],
    ['net.fitAsync()', 'fitAsync', (n: MLP) => n.fitAsync(XOR_INPUTS, XOR_TARGETS)],
    ['JSON.stringify(net)', 'toJSON', (n: MLP) => JSON.stringify(n)],
    ['net.layers', 'layers', (n: MLP) => n.layers],
    ['net.backend', 'backend', (n: MLP) => n.backend],
  ] as const)('%s', async (_label, method, use) => {
    const n = await net(backend);
    n.dispose();
    await expectError(() => use(n), 'DISPOSED', [`net.${method} was used after net.dispose()`, 'create or load a new MLP']);
  });

  it('dispose under a running fitAsync: the fit fails with DISPOSED naming fitAsync', async () => {
    for (const source of [false, true]) {
      const n = await net(backend);
      const data = source ? { batches: async function* () { yield { inputs: XOR_INPUTS, targets: XOR_TARGETS }; } } : XOR_INPUTS;
      const fit = source ? n.fitAsync(data as never, { epochs: 100_000 }) : n.fitAsync(data as never, XOR_TARGETS, { epochs: 100_000 });
      setTimeout(() => n.dispose(), 20);
      await expectError(() => fit, 'DISPOSED', ['net.fitAsync was used after net.dispose(); create or load a new MLP']);
    }
  });

  it('dispose twice is harmless', async () => {
    const n = await net(backend);
    n.dispose();
    expect(() => n.dispose()).not.toThrow();
  });
});

describe('parseCSV', () => {
  it('text that is not a string: names our argument, not csv-parse\'s', async () => {
    await expectError(() => parseCSV(5 as never, { target: 'y' }), 'INVALID_ARGUMENT', ['text must be a string (the CSV text); got 5']);
    await expectError(() => parseCSV(new TextEncoder().encode('a,y\n1,0\n') as never), 'INVALID_ARGUMENT', ['text must be a string (the CSV text); got a Uint8Array of length 8']);
  });
});

describe('every message', () => {
  it('none carries a trap, an abort or a stack frame', () => {
    for (const message of seen) for (const bad of FORBIDDEN) expect(message).not.toContain(bad);
  });
});
