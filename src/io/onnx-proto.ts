// The few messages of ONNX's onnx.proto that an exported net uses, with their field numbers:
// ModelProto, OperatorSetIdProto, StringStringEntryProto, GraphProto, NodeProto,
// AttributeProto (int attributes), TensorProto (raw little-endian data), ValueInfoProto,
// TypeProto.Tensor, TensorShapeProto. Each function returns one message's fields (or, for
// the model, its bytes); protobuf-writer.ts does the wire format.
import { concat, intField, messageField, stringField, bytesField } from './protobuf-writer.ts';

/** TensorProto.DataType. */
export const ELEMENT_FLOAT = 1;
export const ELEMENT_DOUBLE = 11;
export type ElementType = typeof ELEMENT_FLOAT | typeof ELEMENT_DOUBLE;

/** AttributeProto.AttributeType.INT. */
const ATTRIBUTE_INT = 2;

export interface OnnxTensor {
  name: string;
  dims: readonly number[];
  values: ArrayLike<number>;
}

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** Integer attributes (transB, axis). */
  attributes?: Readonly<Record<string, number>>;
}

export interface OnnxValue {
  name: string;
  /** A number is a fixed size, a string a symbolic one (dim_param). */
  dims: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  doc: string;
  elementType: ElementType;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValue[];
  outputs: readonly OnnxValue[];
}

export interface OnnxModel {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  doc: string;
  graph: OnnxGraph;
  metadata: readonly (readonly [string, string])[];
}

/** The ModelProto's bytes: what an .onnx file holds. */
export function encodeModel(model: OnnxModel): Uint8Array {
  return concat([
    intField(1, model.irVersion),
    stringField(2, model.producerName),
    stringField(3, model.producerVersion),
    stringField(6, model.doc),
    messageField(7, graphFields(model.graph)),
    // The default ('ai.onnx') domain is the empty string.
    messageField(8, [stringField(1, ''), intField(2, model.opset)]),
    ...model.metadata.map(([key, value]) => messageField(14, [stringField(1, key), stringField(2, value)])),
  ]);
}

function graphFields(graph: OnnxGraph): Uint8Array[] {
  return [
    ...graph.nodes.map((node) => messageField(1, nodeFields(node))),
    stringField(2, graph.name),
    ...graph.initializers.map((tensor) => messageField(5, tensorFields(tensor, graph.elementType))),
    stringField(10, graph.doc),
    ...graph.inputs.map((value) => messageField(11, valueInfoFields(value, graph.elementType))),
    ...graph.outputs.map((value) => messageField(12, valueInfoFields(value, graph.elementType))),
  ];
}

function nodeFields(node: OnnxNode): Uint8Array[] {
  return [
    ...node.inputs.map((name) => stringField(1, name)),
    ...node.outputs.map((name) => stringField(2, name)),
    stringField(3, node.name),
    stringField(4, node.opType),
    ...Object.entries(node.attributes ?? {}).map(([name, value]) => messageField(5, [stringField(1, name), intField(3, value), intField(20, ATTRIBUTE_INT)])),
  ];
}

/** dims, data_type, name, raw_data (fixed-width little-endian, as onnx.proto requires). */
function tensorFields(tensor: OnnxTensor, elementType: ElementType): Uint8Array[] {
  const width = elementType === ELEMENT_DOUBLE ? 8 : 4;
  const raw = new DataView(new ArrayBuffer(tensor.values.length * width));
  for (let i = 0; i < tensor.values.length; i++) {
    if (width === 8) raw.setFloat64(i * 8, tensor.values[i], true);
    else raw.setFloat32(i * 4, tensor.values[i], true);
  }
  return [
    ...tensor.dims.map((dim) => intField(1, dim)),
    intField(2, elementType),
    stringField(8, tensor.name),
    bytesField(9, new Uint8Array(raw.buffer)),
  ];
}

/** name, and type: a tensor_type of the element type and shape. */
function valueInfoFields(value: OnnxValue, elementType: ElementType): Uint8Array[] {
  const dims = value.dims.map((dim) => messageField(1, [typeof dim === 'number' ? intField(1, dim) : stringField(2, dim)]));
  return [stringField(1, value.name), messageField(2, [messageField(1, [intField(1, elementType), messageField(2, dims)])])];
}
