// A wasm-mlp model as an ONNX graph that computes what net.predict computes (docs/interop.md
// describes it for users): the stored normalisation as Sub then Div (predict's
// (x - offset) / scale, the same two roundings), per layer a Gemm with the weights as they
// are stored (outputs x inputs, so transB = 1) and the activation as ONNX operators (the
// sigmoid and leaky-relu as predict computes them, from elementary ones), the output being
// the last layer's activations. float64 unless asked for float32.
import { invalidArgument, MLPError } from '../api/errors.ts';
import { WASM_MLP_VERSION } from '../api/version.ts';
import type { Activation } from '../backends/layout.ts';
import { parseModel, type ModelJSON } from './model-json.ts';
import { ELEMENT_DOUBLE, ELEMENT_FLOAT, encodeModel, type OnnxNode, type OnnxTensor } from './onnx-proto.ts';

export interface OnnxOptions {
  /** float32 tensors (input, output, weights) instead of float64. */
  float32?: boolean;
}

/** The graph's input: rows of raw (unnormalised) inputs, [batch, inputs]. */
export const ONNX_INPUT = 'input';
/** The graph's output: predict's outputs, [batch, outputs]. */
export const ONNX_OUTPUT = 'output';
/** The symbolic batch dimension of the input and output. */
export const ONNX_BATCH = 'batch';
/** Softmax on the last axis needs opset 13; ONNX 1.8's IR version 7 goes with it. */
export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;
/** The metadata_props keys, documented in docs/interop.md. */
export const ONNX_METADATA_KEYS = {
  version: 'wasm-mlp.version',
  layers: 'wasm-mlp.layers',
  activations: 'wasm-mlp.activations',
  alpha: 'wasm-mlp.alpha',
  loss: 'wasm-mlp.loss',
  normalization: 'wasm-mlp.normalization',
  classes: 'wasm-mlp.classes',
  features: 'wasm-mlp.features',
  target: 'wasm-mlp.target',
} as const;

/** The scalar 1 of the sigmoid's 1 / (1 + exp(-z)). */
const ONE = 'one';

/** A model (toJSON()'s output, or its JSON text) as the bytes of an .onnx file. */
export function modelToONNX(model: unknown, options?: OnnxOptions): Uint8Array {
  return encodeONNX(parseModel(model), options);
}

/** The export's element type: float32 when asked for, or else when the model is a float32 one. */
export function onnxPrecision(model: ModelJSON, options?: unknown): 'float32' | 'float64' {
  const float32 = checkOnnxOptions(options).float32 ?? (model as { dtype?: unknown }).dtype === 'float32';
  return float32 ? 'float32' : 'float64';
}

/** A checked model as the bytes of an .onnx file; the options are checked here. */
export function encodeONNX(model: ModelJSON, options?: unknown): Uint8Array {
  const elementType = onnxPrecision(model, options) === 'float32' ? ELEMENT_FLOAT : ELEMENT_DOUBLE;
  if (elementType === ELEMENT_FLOAT) checkFloat32Range(model);
  const { nodes, initializers } = netGraph(model);
  const count = model.layers.length - 1;
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opset: ONNX_OPSET,
    producerName: 'wasm-mlp',
    producerVersion: WASM_MLP_VERSION,
    doc: `A wasm-mlp net ${model.layers.join('-')} (${model.activations.join(', ')}); ${ONNX_OUTPUT} is net.predict(${ONNX_INPUT}).`,
    graph: {
      name: 'wasm-mlp',
      doc: model.normalization ? `${ONNX_INPUT} is raw: the model's ${model.normalization.kind} normalisation is the graph's first two nodes.` : '',
      elementType,
      nodes,
      initializers,
      inputs: [{ name: ONNX_INPUT, dims: [ONNX_BATCH, model.layers[0]] }],
      outputs: [{ name: ONNX_OUTPUT, dims: [ONNX_BATCH, model.layers[count]] }],
    },
    metadata: metadata(model),
  });
}

/**
 * A float32 graph rounds every parameter to float32: one beyond its range would become an
 * infinity (and a normalisation scale below its smallest a zero divisor), so the graph
 * would compute infinities or NaN where predict computes numbers. Such a model is refused.
 */
function checkFloat32Range(model: ModelJSON): void {
  const check = (name: string, values: readonly number[], divisor = false) => {
    for (let i = 0; i < values.length; i++) {
      const rounded = Math.fround(values[i]);
      if (Number.isFinite(rounded) && !(divisor && rounded === 0)) continue;
      const limit = divisor && Number.isFinite(rounded) ? 'rounds to 0 in float32, and inputs are divided by it' : `is beyond the largest float32, ${FLOAT32_MAX}`;
      throw new MLPError('INVALID_ARGUMENT', `float32 cannot hold the model's ${name}[${i}], ${values[i]}: it ${limit}; export in float64 (leave float32 out)`);
    }
  };
  if (model.normalization) {
    check('normalization.offset', model.normalization.offset);
    check('normalization.scale', model.normalization.scale, true);
  }
  if (model.activations.includes('leaky-relu')) check('alpha', [model.alpha]);
  model.weights.forEach((w, l) => check(`weights[${l}]`, w));
  model.biases.forEach((b, l) => check(`biases[${l}]`, b));
}

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

function checkOnnxOptions(options: unknown): OnnxOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw invalidArgument('options', options, 'an object { float32?: boolean } or left out');
  const unknown = Object.keys(options).find((key) => key !== 'float32');
  if (unknown !== undefined) throw invalidArgument('options', options, `{ float32?: boolean } (unknown option '${unknown}')`);
  const { float32 } = options as { float32?: unknown };
  if (float32 !== undefined && typeof float32 !== 'boolean') throw invalidArgument('float32', float32, 'true, false or left out');
  return { float32 };
}

/** The nodes and initializers, from the input to the output, each layer's tensors named after it (layer1.weight, ...). */
function netGraph(model: ModelJSON): { nodes: OnnxNode[]; initializers: OnnxTensor[] } {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const count = model.layers.length - 1;
  let x = ONNX_INPUT;
  if (model.normalization) {
    const width = model.layers[0];
    initializers.push({ name: 'normalization.offset', dims: [width], values: model.normalization.offset });
    initializers.push({ name: 'normalization.scale', dims: [width], values: model.normalization.scale });
    nodes.push({ opType: 'Sub', name: 'normalization.sub', inputs: [x, 'normalization.offset'], outputs: ['normalization.centered'] });
    nodes.push({ opType: 'Div', name: 'normalization.div', inputs: ['normalization.centered', 'normalization.scale'], outputs: ['normalization.output'] });
    x = 'normalization.output';
  }
  if (model.activations.includes('sigmoid')) initializers.push({ name: ONE, dims: [], values: [1] });
  if (model.activations.includes('leaky-relu')) initializers.push({ name: 'leaky_relu.alpha', dims: [], values: [model.alpha] });
  for (let l = 0; l < count; l++) {
    const layer = `layer${l + 1}`;
    const last = l === count - 1;
    const activation = model.activations[l];
    initializers.push({ name: `${layer}.weight`, dims: [model.layers[l + 1], model.layers[l]], values: model.weights[l] });
    initializers.push({ name: `${layer}.bias`, dims: [model.layers[l + 1]], values: model.biases[l] });
    const z = last && activation === 'linear' ? ONNX_OUTPUT : `${layer}.z`;
    nodes.push({ opType: 'Gemm', name: `${layer}.gemm`, inputs: [x, `${layer}.weight`, `${layer}.bias`], outputs: [z], attributes: { transB: 1 } });
    x = activationNodes(nodes, activation, model.alpha, layer, z, last ? ONNX_OUTPUT : `${layer}.a`);
  }
  return { nodes, initializers };
}

/** Appends the nodes of a = f(z); returns a's name (z itself for linear). */
function activationNodes(nodes: OnnxNode[], activation: Activation, alpha: number, layer: string, z: string, a: string): string {
  const single = (opType: string, attributes?: Record<string, number>) => {
    nodes.push({ opType, name: `${layer}.${activation}`, inputs: [z], outputs: [a], ...(attributes && { attributes }) });
    return a;
  };
  switch (activation) {
    case 'sigmoid': {
      // 1 / (1 + exp(-z)), predict's own formula: ONNX Runtime's float64 Sigmoid loses the
      // relative precision of small outputs (it gives 0 for sigmoid(-40) = 4.2e-18).
      const at = (step: string) => `${layer}.sigmoid.${step}`;
      nodes.push({ opType: 'Neg', name: at('neg'), inputs: [z], outputs: [at('neg')] });
      nodes.push({ opType: 'Exp', name: at('exp'), inputs: [at('neg')], outputs: [at('exp')] });
      nodes.push({ opType: 'Add', name: at('add'), inputs: [ONE, at('exp')], outputs: [at('add')] });
      nodes.push({ opType: 'Div', name: at('div'), inputs: [ONE, at('add')], outputs: [a] });
      return a;
    }
    case 'tanh':
      return single('Tanh');
    case 'relu':
      return single('Relu');
    case 'softmax':
      return single('Softmax', { axis: -1 });
    case 'linear':
      return z;
    case 'leaky-relu': {
      // z > 0 ? z : alpha * z, as max(z, alpha * z) for a slope up to 1 and min beyond it:
      // exact, and in float64 (LeakyRelu's alpha attribute is a float32).
      nodes.push({ opType: 'Mul', name: `${layer}.leaky_relu.scale`, inputs: [z, 'leaky_relu.alpha'], outputs: [`${layer}.scaled`] });
      nodes.push({ opType: alpha <= 1 ? 'Max' : 'Min', name: `${layer}.leaky_relu`, inputs: [z, `${layer}.scaled`], outputs: [a] });
      return a;
    }
  }
}

function metadata(model: ModelJSON): [string, string][] {
  const k = ONNX_METADATA_KEYS;
  const entries: [string, string][] = [
    [k.version, WASM_MLP_VERSION],
    [k.layers, JSON.stringify(model.layers)],
    [k.activations, JSON.stringify(model.activations)],
    [k.alpha, JSON.stringify(model.alpha)],
    [k.loss, model.loss],
    [k.normalization, model.normalization ? model.normalization.kind : 'none'],
  ];
  if (model.classes) entries.push([k.classes, JSON.stringify(model.classes)]);
  if (model.features) entries.push([k.features, JSON.stringify(model.features)]);
  if (model.target !== null) entries.push([k.target, model.target]);
  return entries;
}
