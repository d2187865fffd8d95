// What writing a model needs (toJSON, save), apart from reading one (model-json.ts, which the
// browser bundle loads only when a page reads a model): the format's name and version, and
// the model's text, exact to the bit.
export const MODEL_FORMAT = 'wasm-mlp';
export const MODEL_VERSION = 2;

/**
 * The model as JSON text, exact to the bit: JSON.stringify writes -0 as 0, so -0 goes
 * through a marker no string field can hold (JSON.parse reads `-0` back as -0).
 */
export function modelText(model: object): string {
  const marker = '\u0000-0';
  const text = JSON.stringify(model, (_key, value) => (Object.is(value, -0) ? marker : value));
  return `${text.replaceAll(JSON.stringify(marker), '-0')}\n`;
}
