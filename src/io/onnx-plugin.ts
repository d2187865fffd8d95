// Where net.toONNX finds its encoder (src/io/onnx-export.ts). The Node entry plugs it in
// (src/platform/node.ts); the browser bundle leaves it out, since few pages need it, and
// a page that does encodes toJSON()'s output with wasm-mlp/onnx's modelToONNX.
import { MLPError } from '../api/errors.ts';
import type { ModelJSON } from './model-json.ts';

export type OnnxEncoder = (model: ModelJSON, options: unknown) => Uint8Array;

let encoder: OnnxEncoder | undefined;

export function useOnnxEncoder(next: OnnxEncoder): void {
  encoder = next;
}

export function onnxEncoder(): OnnxEncoder {
  if (encoder === undefined) {
    throw new MLPError('INVALID_ARGUMENT', "net.toONNX needs the ONNX encoder, which the browser bundle leaves out; use modelToONNX(net.toJSON()) from 'wasm-mlp/onnx'");
  }
  return encoder;
}
