// `wasm-mlp export MODEL.json --onnx OUT.onnx [--float32]`: the model file as an ONNX model
// (src/io/onnx-export.ts), written atomically. No net is built: the model is read, checked
// and encoded as it is.
import { writeFileAtomic } from '../io/atomic-write.ts';
import { readTextFile } from '../io/read-text.ts';
import { parseJsonText } from '../io/json-text.ts';
import { parseModel } from '../io/model-json.ts';
import { encodeONNX, ONNX_BATCH, ONNX_INPUT, ONNX_OPSET, ONNX_OUTPUT, onnxPrecision } from '../io/onnx-export.ts';
import { MLPError } from '../api/errors.ts';

export function exportOnnx(modelPath: string, outPath: string, float32: boolean): string {
  const text = readTextFile(modelPath);
  let model;
  try {
    model = parseModel(parseJsonText(text, modelPath, 'INVALID_MODEL'));
  } catch (error) {
    if (error instanceof MLPError && error.code === 'INVALID_MODEL' && !error.message.startsWith(modelPath)) throw new MLPError(error.code, `${modelPath}: ${error.message}`);
    throw error;
  }
  const options = float32 ? { float32 } : undefined;
  const bytes = encodeONNX(model, options);
  writeFileAtomic(outPath, bytes);
  const { layers } = model;
  const precision = onnxPrecision(model, options);
  return `wrote ${outPath}: ONNX opset ${ONNX_OPSET}, ${precision}, ${bytes.length} bytes; ${ONNX_INPUT} [${ONNX_BATCH}, ${layers[0]}] -> ${ONNX_OUTPUT} [${ONNX_BATCH}, ${layers.at(-1)}]`;
}
