// Where net.toONNX finds its encoder (src/io/onnx-export.ts). The Node entry plugs it in
// (src/platform/node.ts); the browser bundle leaves it out, since few pages need it: a model
// saved there is exported in Node (`wasm-mlp export`).
import { MLPError } from '../api/errors.ts';
import type { ModelJSON } from './model-json.ts';

export type OnnxEncoder = (model: ModelJSON, options: unknown) => Uint8Array;

let encoder: OnnxEncoder | undefined;

export function useOnnxEncoder(next: OnnxEncoder): void {
  encoder = next;
}

export function onnxEncoder(): OnnxEncoder {
  if (encoder === undefined) {
    throw new MLPError('INVALID_ARGUMENT', "net.toONNX needs Node (the browser bundle has no ONNX encoder); export a saved model with wasm-mlp export");
  }
  return encoder;
}
