// ONNX export, checked by running the exported files in ONNX Runtime (onnxruntime-web's
// WebAssembly backend, in Node): for nets of every activation, every loss, with and without
// each normalisation and of 1 to 4 weight layers, trained a little first, ONNX Runtime's
// outputs equal net.predict's within 1e-12 relative in float64 and 1e-6 in float32 (the
// largest error measured is asserted, and printed). The bytes of a tiny model's export are
// golden (test/fixtures/onnx-tiny.onnx), and decoded with ONNX Runtime's own onnx.proto
// schema, so the encoder cannot drift unseen; the CLI's `export` writes the same bytes.
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MLP, MLPError, modelToONNX, type ModelJSON } from '../src/index.ts';
import { runCli } from '../src/cli/main.ts';
import type { CliIO } from '../src/cli/cli-io.ts';
import type { Activation, Loss } from '../src/backends/layout.ts';
import type { Normalize } from '../src/api/option-registry.ts';
import { errorMessage } from './helpers/error-message.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOLDEN = join(ROOT, 'test', 'fixtures', 'onnx-tiny.onnx');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** ONNX Runtime's generated onnx.proto classes (protobufjs), to read our bytes with a decoder we did not write. */
interface Decoded {
  toJSON(): Record<string, unknown>;
}
const onnxSchema = createRequire(import.meta.url)(join(ROOT, 'node_modules/onnxruntime-web/lib/onnxjs/ort-schema/protobuf/onnx.js')) as {
  onnx: { ModelProto: { decode(bytes: Uint8Array): Decoded } };
};
const decode = (bytes: Uint8Array) => onnxSchema.onnx.ModelProto.decode(bytes).toJSON();

// One thread: the machine is shared, and the numbers do not depend on it.
ort.env.wasm.numThreads = 1;

/** Deterministic numbers in [-1, 1), exactly representable in float32 (so float32 inputs are the same inputs). */
function numbers(count: number, seed: number): number[] {
  let x = seed >>> 0;
  return Array.from({ length: count }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return Math.fround(x / 2 ** 31 - 1);
  });
}

function rows(count: number, width: number, seed: number, scale = 1): number[][] {
  const flat = numbers(count * width, seed);
  return Array.from({ length: count }, (_, r) => flat.slice(r * width, (r + 1) * width).map((v) => Math.fround(v * scale)));
}

function targetsFor(loss: Loss, output: Activation, count: number, width: number, seed: number): number[][] {
  const raw = rows(count, width, seed);
  if (loss === 'cross-entropy' || (output === 'softmax' && width > 1)) {
    return raw.map((row) => row.map((_, k) => (k === Math.floor((row[0] + 1) * width / 2) % width ? 1 : 0)));
  }
  if (loss === 'binary-cross-entropy') return raw.map((row) => row.map((v) => (v > 0 ? 1 : 0)));
  return raw.map((row) => row.map((v) => (v + 1) / 2));
}

interface Case {
  name: string;
  layers: number[];
  activation: Activation[];
  loss: Loss;
  normalize: Normalize;
  alpha?: number;
}

const HIDDEN: Activation[] = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'linear'];
const NORMALIZE: Normalize[] = ['none', 'zscore', 'minmax'];

/** Every output activation under mse, hidden activations and normalisations in turn, 1 to 4 weight layers; then the classification losses. */
const CASES: Case[] = [];
{
  const outputs: Activation[] = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'linear', 'softmax'];
  let i = 0;
  for (const output of outputs) {
    for (let depth = 1; depth <= 4; depth++) {
      const hidden = Array.from({ length: depth - 1 }, (_, l) => HIDDEN[(i + l) % HIDDEN.length]);
      const layers = [5, ...hidden.map((_, l) => 7 - l), 3];
      const normalize = NORMALIZE[i % 3];
      CASES.push({ name: `mse ${[...hidden, output].join('/')} ${layers.join('-')} ${normalize}`, layers, activation: [...hidden, output], loss: 'mse', normalize });
      i++;
    }
  }
  for (const normalize of NORMALIZE) {
    CASES.push({ name: `cross-entropy tanh/relu/softmax ${normalize}`, layers: [4, 8, 6, 3], activation: ['tanh', 'relu', 'softmax'], loss: 'cross-entropy', normalize });
    CASES.push({ name: `cross-entropy softmax ${normalize}`, layers: [4, 2], activation: ['softmax'], loss: 'cross-entropy', normalize });
    CASES.push({ name: `binary-cross-entropy leaky-relu/sigmoid ${normalize}`, layers: [4, 6, 3], activation: ['leaky-relu', 'sigmoid'], loss: 'binary-cross-entropy', normalize });
    CASES.push({ name: `binary-cross-entropy one sigmoid output ${normalize}`, layers: [3, 5, 5, 1], activation: ['relu', 'sigmoid', 'sigmoid'], loss: 'binary-cross-entropy', normalize });
  }
  // The leaky-relu slope: none, small, one, and above one (Min instead of Max).
  for (const alpha of [0, 0.3, 1, 2.5]) {
    CASES.push({ name: `leaky-relu alpha ${alpha}`, layers: [3, 6, 6, 2], activation: ['leaky-relu', 'leaky-relu', 'linear'], loss: 'mse', normalize: 'zscore', alpha });
  }
}

async function trainedNet(c: Case, seed: number): Promise<MLP> {
  const net = await MLP.create({ layers: c.layers, activation: c.activation, loss: c.loss, alpha: c.alpha ?? 0.01, init: 'xavier', seed, backend: 'js' });
  const inputs = rows(40, c.layers[0], seed + 1, 3);
  // Columns off centre and of unequal spread, so that the normalisation changes them.
  for (const row of inputs) row.forEach((v, k) => (row[k] = Math.fround(v * (k + 1) + 2 * k)));
  const targets = targetsFor(c.loss, c.activation.at(-1)!, 40, c.layers.at(-1)!, seed + 2);
  net.fit(inputs, targets, { epochs: 3, learningRate: 0.005, batchSize: 4, normalize: c.normalize });
  return net;
}

/** ONNX Runtime's outputs for rows of inputs, as a flat array. */
async function runOnnx(bytes: Uint8Array, inputs: number[][], float32: boolean): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const flat = inputs.flat();
    const tensor = float32 ? new ort.Tensor('float32', Float32Array.from(flat), [inputs.length, inputs[0].length]) : new ort.Tensor('float64', Float64Array.from(flat), [inputs.length, inputs[0].length]);
    const result = await session.run({ input: tensor });
    expect(Object.keys(result)).toEqual(['output']);
    expect(result.output.dims).toEqual([inputs.length, (result.output.data as Float64Array).length / inputs.length]);
    expect(result.output.type).toBe(float32 ? 'float32' : 'float64');
    return Array.from(result.output.data as Float64Array);
  } finally {
    await session.release();
  }
}

/**
 * The largest |onnx - predict| relative to the output's scale: its largest |predict| over
 * the rows. (Relative to each output itself, an output that cancels to near 0, such as a
 * linear output or a relu's input, has no bound in float32, nor a useful one in float64:
 * the Gemm sums in another order than predict.)
 */
function maxRelativeError(onnx: readonly number[], predicted: readonly number[], width: number): number {
  expect(onnx.length).toBe(predicted.length);
  let worst = 0;
  for (let k = 0; k < width; k++) {
    let scale = 0;
    for (let i = k; i < predicted.length; i += width) scale = Math.max(scale, Math.abs(predicted[i]));
    for (let i = k; i < predicted.length; i += width) {
      const error = onnx[i] === predicted[i] ? 0 : Math.abs(onnx[i] - predicted[i]) / scale;
      if (!(error <= worst)) worst = error;
    }
  }
  return worst;
}

/** The largest |onnx - predict| / |predict| of any one output (0 where both are 0): reported, not asserted. */
function maxElementError(onnx: readonly number[], predicted: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < onnx.length; i++) {
    const error = onnx[i] === predicted[i] ? 0 : Math.abs(onnx[i] - predicted[i]) / Math.abs(predicted[i]);
    if (!(error <= worst)) worst = error;
  }
  return worst;
}

describe('ONNX export run in ONNX Runtime', () => {
  const measured: Record<'float64' | 'float32' | 'element64' | 'element32', number>[] = [];
  afterAll(() => {
    const worst = (key: keyof (typeof measured)[number]) => Math.max(...measured.map((m) => m[key])).toExponential(1);
    console.log(
      `ONNX Runtime vs predict, ${measured.length} nets: largest error relative to the output's scale ${worst('float64')} (float64), ${worst('float32')} (float32); ` +
        `relative to the output itself ${worst('element64')} (float64), ${worst('element32')} (float32)`,
    );
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const net = await trainedNet(c, 100 + i);
    // Inputs well beyond the training range too, so every activation sees both signs.
    const inputs = [...rows(30, c.layers[0], 900 + i, 4), ...rows(5, c.layers[0], 950 + i, 40)];
    const predicted = net.predict(inputs).flat();
    const width = c.layers.at(-1)!;
    const onnx64 = await runOnnx(net.toONNX(), inputs, false);
    const onnx32 = await runOnnx(net.toONNX({ float32: true }), inputs, true);
    const errors = {
      float64: maxRelativeError(onnx64, predicted, width),
      float32: maxRelativeError(onnx32, predicted, width),
      element64: maxElementError(onnx64, predicted),
      element32: maxElementError(onnx32, predicted),
    };
    measured.push(errors);
    expect(errors.float64).toBeLessThanOrEqual(1e-12);
    expect(errors.float32).toBeLessThanOrEqual(1e-6);
    net.dispose();
  });
});

/** A 2-3-2 net with fixed parameters, z-score normalisation, leaky-relu and softmax, and class labels. */
const TINY: ModelJSON = {
  format: 'wasm-mlp',
  version: 2,
  layers: [2, 3, 2],
  activations: ['leaky-relu', 'softmax'],
  alpha: 0.125,
  loss: 'cross-entropy',
  normalization: { kind: 'zscore', offset: [0.5, -1.25], scale: [2, 0.75] },
  classes: ['no', 'yes'],
  features: ['a', 'b'],
  target: 'label',
  weights: [[0.5, -1, 0.25, 2, -0.75, 1.5], [1, -0.5, 0.25, 0.75, -1.25, 0.5]],
  biases: [[0.1, -0.2, 0.3], [0.05, -0.05]],
};

describe('ONNX export: the encoded bytes', () => {
  it('of a tiny model are the golden bytes', () => {
    expect(Buffer.from(modelToONNX(TINY)).equals(readFileSync(GOLDEN))).toBe(true);
  });

  it('decode, with onnx.proto, to the documented graph: names, opset, shapes, initializers, metadata', () => {
    const model = decode(modelToONNX(TINY));
    const double = (values: number[]) => Buffer.from(Float64Array.from(values).buffer).toString('base64');
    const dims = (...d: (number | string)[]) => ({ dim: d.map((x) => (typeof x === 'number' ? { dimValue: String(x) } : { dimParam: x })) });
    const tensorType = (...d: (number | string)[]) => ({ tensorType: { elemType: 11, shape: dims(...d) } });
    expect(model).toEqual({
      irVersion: '7',
      producerName: 'wasm-mlp',
      producerVersion: VERSION,
      docString: "A wasm-mlp net 2-3-2 (leaky-relu, softmax); output is net.predict(input).",
      opsetImport: [{ domain: '', version: '13' }],
      metadataProps: [
        { key: 'wasm-mlp.version', value: VERSION },
        { key: 'wasm-mlp.layers', value: '[2,3,2]' },
        { key: 'wasm-mlp.activations', value: '["leaky-relu","softmax"]' },
        { key: 'wasm-mlp.alpha', value: '0.125' },
        { key: 'wasm-mlp.loss', value: 'cross-entropy' },
        { key: 'wasm-mlp.normalization', value: 'zscore' },
        { key: 'wasm-mlp.classes', value: '["no","yes"]' },
        { key: 'wasm-mlp.features', value: '["a","b"]' },
        { key: 'wasm-mlp.target', value: 'label' },
      ],
      graph: {
        name: 'wasm-mlp',
        docString: "input is raw: the model's zscore normalisation is the graph's first two nodes.",
        node: [
          { input: ['input', 'normalization.offset'], output: ['normalization.centered'], name: 'normalization.sub', opType: 'Sub' },
          { input: ['normalization.centered', 'normalization.scale'], output: ['normalization.output'], name: 'normalization.div', opType: 'Div' },
          { input: ['normalization.output', 'layer1.weight', 'layer1.bias'], output: ['layer1.z'], name: 'layer1.gemm', opType: 'Gemm', attribute: [{ name: 'transB', i: '1', type: 'INT' }] },
          { input: ['layer1.z', 'leaky_relu.alpha'], output: ['layer1.scaled'], name: 'layer1.leaky_relu.scale', opType: 'Mul' },
          { input: ['layer1.z', 'layer1.scaled'], output: ['layer1.a'], name: 'layer1.leaky_relu', opType: 'Max' },
          { input: ['layer1.a', 'layer2.weight', 'layer2.bias'], output: ['layer2.z'], name: 'layer2.gemm', opType: 'Gemm', attribute: [{ name: 'transB', i: '1', type: 'INT' }] },
          { input: ['layer2.z'], output: ['output'], name: 'layer2.softmax', opType: 'Softmax', attribute: [{ name: 'axis', i: '-1', type: 'INT' }] },
        ],
        initializer: [
          { dims: ['2'], dataType: 11, name: 'normalization.offset', rawData: double([0.5, -1.25]) },
          { dims: ['2'], dataType: 11, name: 'normalization.scale', rawData: double([2, 0.75]) },
          { dataType: 11, name: 'leaky_relu.alpha', rawData: double([0.125]) },
          { dims: ['3', '2'], dataType: 11, name: 'layer1.weight', rawData: double(TINY.weights[0]) },
          { dims: ['3'], dataType: 11, name: 'layer1.bias', rawData: double(TINY.biases[0]) },
          { dims: ['2', '3'], dataType: 11, name: 'layer2.weight', rawData: double(TINY.weights[1]) },
          { dims: ['2'], dataType: 11, name: 'layer2.bias', rawData: double(TINY.biases[1]) },
        ],
        input: [{ name: 'input', type: tensorType('batch', 2) }],
        output: [{ name: 'output', type: tensorType('batch', 2) }],
      },
    });
  });

  it('float32: every tensor is FLOAT (1), its raw data the float32 values', () => {
    const model = decode(modelToONNX(TINY, { float32: true })) as { graph: { initializer: { dataType: number; name: string; rawData: string }[]; input: { type: { tensorType: { elemType: number } } }[]; output: { type: { tensorType: { elemType: number } } }[] } };
    expect(model.graph.input[0].type.tensorType.elemType).toBe(1);
    expect(model.graph.output[0].type.tensorType.elemType).toBe(1);
    const weight = model.graph.initializer.find((t) => t.name === 'layer1.weight')!;
    expect(weight.dataType).toBe(1);
    expect(weight.rawData).toBe(Buffer.from(Float32Array.from(TINY.weights[0]).buffer).toString('base64'));
  });

  it("a linear output layer's Gemm writes the output itself; no normalisation, no leaky-relu: no Sub, Div or alpha", () => {
    const net = { ...TINY, layers: [2, 3, 1], activations: ['tanh', 'linear'], loss: 'mse', normalization: null, classes: null, features: null, target: null, weights: [TINY.weights[0], [1, 2, 3]], biases: [TINY.biases[0], [0]] };
    const graph = (decode(modelToONNX(net)) as { graph: { node: { opType: string; output: string[] }[]; initializer: { name: string }[] } }).graph;
    expect(graph.node.map((n) => `${n.opType}->${n.output[0]}`)).toEqual(['Gemm->layer1.z', 'Tanh->layer1.a', 'Gemm->output']);
    expect(graph.initializer.map((t) => t.name)).toEqual(['layer1.weight', 'layer1.bias', 'layer2.weight', 'layer2.bias']);
    const keys = (decode(modelToONNX(net)) as { metadataProps: { key: string }[] }).metadataProps.map((p) => p.key);
    expect(keys).not.toContain('wasm-mlp.classes');
  });

  it("runs in ONNX Runtime to the tiny model's hand-computed outputs", async () => {
    const x = [[1.5, -0.5], [-3, 2]];
    const expected = x.map(([a, b]) => {
      const n = [(a - 0.5) / 2, (b + 1.25) / 0.75];
      const h = [0, 1, 2].map((j) => {
        const z = TINY.weights[0][2 * j] * n[0] + TINY.weights[0][2 * j + 1] * n[1] + TINY.biases[0][j];
        return z > 0 ? z : 0.125 * z;
      });
      const z = [0, 1].map((k) => TINY.weights[1][3 * k] * h[0] + TINY.weights[1][3 * k + 1] * h[1] + TINY.weights[1][3 * k + 2] * h[2] + TINY.biases[1][k]);
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      return e.map((v) => v / (e[0] + e[1]));
    });
    const out = await runOnnx(modelToONNX(TINY), x, false);
    expect(maxElementError(out, expected.flat())).toBeLessThan(1e-15);
  });
});

describe('net.toONNX and modelToONNX: arguments and state', () => {
  it("equals modelToONNX of the net's toJSON(), and leaves the net as it was", async () => {
    const net = await MLP.fromJSON(TINY, { backend: 'js' });
    const before = JSON.stringify(net.toJSON({ includeOptimizer: true }));
    expect(Buffer.from(net.toONNX()).equals(readFileSync(GOLDEN))).toBe(true);
    expect(JSON.stringify(net.toJSON({ includeOptimizer: true }))).toBe(before);
    net.dispose();
  });

  it("a worker net's toONNX gives the same bytes", async () => {
    const net = await MLP.fromJSON(TINY, { backend: 'js', worker: true });
    expect(Buffer.from(await net.toONNX()).equals(readFileSync(GOLDEN))).toBe(true);
    await net.dispose();
  });

  it('rejects bad options with an MLPError naming them', async () => {
    const net = await MLP.fromJSON(TINY, { backend: 'js' });
    const message = errorMessage;
    expect(message(() => net.toONNX({ float32: 'yes' } as never))).toBe('float32 must be true, false or left out; got "yes"');
    expect(message(() => net.toONNX({ float16: true } as never))).toBe("options must be { float32?: boolean } (unknown option 'float16'); got {\"float16\":true}");
    expect(message(() => net.toONNX(7 as never))).toBe('options must be an object { float32?: boolean } or left out; got 7');
    expect(message(() => modelToONNX({ ...TINY, layers: [2, 2] }))).toMatch(/^model weights must be/);
    net.dispose();
    expect(message(() => net.toONNX())).toBe('net.toONNX was used after net.dispose(); create or load a new MLP');
  });

  it("in a browser bundle (no Node platform) net.toONNX throws an MLPError pointing to the CLI; the bundle has no encoder", async () => {
    vi.resetModules();
    const browser = (await import('../src/browser.ts')) as typeof import('../src/browser.ts');
    const net = await browser.MLP.fromJSON(TINY, { backend: 'js' });
    expect(() => net.toONNX()).toThrow(new MLPError('INVALID_ARGUMENT', 'net.toONNX needs Node (the browser bundle has no ONNX encoder); export a saved model with wasm-mlp export'));
    net.dispose();
    vi.resetModules();
    // Every file of the browser build, its lazy pieces included.
    const browserDir = join(ROOT, 'build', 'browser');
    const bundle = readdirSync(browserDir).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(browserDir, f), 'utf8')).join('\n');
    expect(bundle).toContain('toONNX');
    expect(bundle).not.toContain('transB');
    expect(bundle).not.toContain('Gemm');
  });
});

describe('wasm-mlp export', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-onnx-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(TINY));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false };
    const code = await runCli(argv, io);
    return { code, stdout, stderr };
  }

  it('writes the golden bytes atomically and says what it wrote', async () => {
    const out = join(dir, 'tiny.onnx');
    const size = readFileSync(GOLDEN).length;
    expect(await cli('export', join(dir, 'model.json'), '--onnx', out)).toEqual({
      code: 0,
      stdout: `wrote ${out}: ONNX opset 13, float64, ${size} bytes; input [batch, 2] -> output [batch, 2]\n`,
      stderr: '',
    });
    expect(readFileSync(out).equals(readFileSync(GOLDEN))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'tiny.onnx']);
  });

  it('--float32 writes modelToONNX(model, { float32: true })', async () => {
    const out = join(dir, 'tiny32.onnx');
    const r = await cli('export', join(dir, 'model.json'), '--onnx', out, '--float32');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('float32');
    expect(Buffer.from(modelToONNX(TINY, { float32: true })).equals(readFileSync(out))).toBe(true);
  });

  it('fails in one line, writing nothing, for a missing --onnx, standard output, a bad model', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...TINY, alpha: -1 }));
    const before = readdirSync(dir).sort();
    expect(await cli('export', join(dir, 'model.json'))).toEqual({ code: 2, stdout: '', stderr: "wasm-mlp: export: --onnx OUT.onnx is required (see 'wasm-mlp export --help')\n" });
    expect(await cli('export', join(dir, 'model.json'), '--onnx', '-')).toEqual({
      code: 2, stdout: '', stderr: "wasm-mlp: export: --onnx must be a file path (an ONNX model is binary, so not standard output) (see 'wasm-mlp export --help')\n",
    });
    const bad = await cli('export', join(dir, 'bad.json'), '--onnx', join(dir, 'bad.onnx'));
    expect(bad).toEqual({ code: 2, stdout: '', stderr: `wasm-mlp: ${join(dir, 'bad.json')}: model alpha must be a finite number >= 0 (the leaky-relu slope); got -1\n` });
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(existsSync(join(dir, 'bad.onnx'))).toBe(false);
  });

  // Before: written, exit 0, with an infinite weight (or a zero divisor): the graph computed
  // infinities and NaN where predict computes numbers.
  it('--float32 refuses a model whose numbers float32 cannot hold, writing nothing; float64 exports it', async () => {
    const weights = TINY.weights.map((w) => [...w]);
    weights[1][4] = -1e300;
    writeFileSync(join(dir, 'big.json'), JSON.stringify({ ...TINY, weights }));
    writeFileSync(join(dir, 'tiny-scale.json'), JSON.stringify({ ...TINY, normalization: { ...TINY.normalization, scale: [2, 1e-50] } }));
    const before = readdirSync(dir).sort();
    expect(await cli('export', join(dir, 'big.json'), '--onnx', join(dir, 'big.onnx'), '--float32')).toEqual({
      code: 2, stdout: '', stderr: "wasm-mlp: float32 cannot hold the model's weights[1][4], -1e+300: it is beyond the largest float32, 3.4028234663852886e+38; export in float64 (leave float32 out)\n",
    });
    expect(await cli('export', join(dir, 'tiny-scale.json'), '--onnx', join(dir, 'big.onnx'), '--float32')).toEqual({
      code: 2, stdout: '', stderr: "wasm-mlp: float32 cannot hold the model's normalization.scale[1], 1e-50: it rounds to 0 in float32, and inputs are divided by it; export in float64 (leave float32 out)\n",
    });
    expect(readdirSync(dir).sort()).toEqual(before);
    expect((await cli('export', join(dir, 'big.json'), '--onnx', join(dir, 'big.onnx'))).code).toBe(0);
  });
});
