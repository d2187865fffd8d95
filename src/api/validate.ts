// The checks of single user-supplied values (layers, seed, backend, names, option objects)
// that options.ts and model-json.ts build on; rows of data are read by rows.ts. A value is
// read once, into our own copy, and reading it can only ever throw an MLPError.
import { describeValue, invalidArgument, MLPError, oneLine, type MLPErrorCode } from './errors.ts';
import { ACTIVATIONS, MAX_MEMORY_BYTES, NetLayout, type Activation } from '../backends/layout.ts';

export type BackendName = 'wasm' | 'js';
export const BACKENDS: readonly BackendName[] = ['wasm', 'js'];

export function checkLayers(value: unknown, argument = 'layers'): number[] {
  const expected = 'an array of at least 2 positive integers (input, hidden..., output sizes)';
  if (!Array.isArray(value) || value.length < 2) throw invalidArgument(argument, value, expected);
  // Each element read once, into our own array: a proxy or getter cannot change it after the check.
  const layers: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const n: unknown = value[i];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw invalidArgument(argument, value, expected);
    layers.push(n);
  }
  const bytes = new NetLayout({ layers, activations: [], loss: 'mse', dtype: 'float64' }, 0, 1).end * 8;
  if (bytes > MAX_MEMORY_BYTES) {
    throw new MLPError(
      'OUT_OF_MEMORY',
      `${argument} ${describeValue(layers)} needs ${formatBytes(bytes)} for its parameters, gradients, optimizer state and scratch; the limit is ${formatBytes(MAX_MEMORY_BYTES)} (WebAssembly memory)`,
    );
  }
  return layers;
}

export function checkSeed(value: unknown, argument = 'seed'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw invalidArgument(argument, value, 'an integer from 0 to 4294967295');
  }
  return value;
}

export function checkBackend(value: unknown, argument = 'backend'): BackendName {
  if (value !== 'wasm' && value !== 'js') throw invalidArgument(argument, value, `one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}`);
  return value;
}

export function checkLearningRate(value: unknown, argument = 'learningRate'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidArgument(argument, value, 'a finite number > 0');
  }
  return value;
}

export function checkEpochs(value: unknown, argument = 'epochs'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 0x7fffffff) {
    throw invalidArgument(argument, value, 'an integer from 0 to 2147483647');
  }
  return value;
}

export function checkBoolean(value: unknown, argument: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(argument, value, 'true or false');
  return value;
}

export function oneOf<T extends string>(value: unknown, argument: string, allowed: readonly T[]): T {
  for (let i = 0; i < allowed.length; i++) if (value === allowed[i]) return allowed[i];
  throw invalidArgument(argument, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
}

/**
 * Activation names, one per weight layer (`count`): from one name for every layer, or from an
 * array of one per weight layer (create's option and a model file's field alike).
 */
export function checkActivations(value: unknown, count: number, argument: string): Activation[] {
  if (typeof value === 'string') return new Array<Activation>(count).fill(oneOf(value, argument, ACTIVATIONS));
  return guardedRead(argument, () => {
    if (!Array.isArray(value)) throw invalidArgument(argument, value, `one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, or one per weight layer`);
    if (value.length !== count) throw invalidArgument(argument, value, `one activation per weight layer (${count})`);
    const activations: Activation[] = [];
    for (let l = 0; l < count; l++) activations.push(oneOf(value[l], `${argument}[${l}]`, ACTIVATIONS));
    return activations;
  });
}

/** Distinct strings, one per output (two for a single sigmoid output: its negative and positive class). */
export function checkClasses(value: unknown, outputs: number, argument: string): string[] {
  const count = outputs === 1 ? 2 : outputs;
  const expected = `an array of ${count} distinct strings (${outputs === 1 ? 'negative and positive class of the one output' : 'one per output'})`;
  const classes = checkStrings(value, count, argument, expected);
  if (new Set(classes).size !== count) throw invalidArgument(argument, value, expected);
  return classes;
}

/** Distinct column names, one per input. */
export function checkFeatureNames(value: unknown, inputs: number, argument: string): string[] {
  const expected = `an array of ${inputs} distinct column names (one per input)`;
  const names = checkStrings(value, inputs, argument, expected);
  if (new Set(names).size !== inputs) throw invalidArgument(argument, value, expected);
  return names;
}

/** Exactly `count` strings, each read once. */
function checkStrings(value: unknown, count: number, argument: string, expected: string): string[] {
  if (!Array.isArray(value) || value.length !== count) throw invalidArgument(argument, value, expected);
  const strings: string[] = [];
  for (let i = 0; i < count; i++) {
    const s: unknown = value[i];
    if (typeof s !== 'string') throw invalidArgument(argument, value, expected);
    strings.push(s);
  }
  return strings;
}

/**
 * Runs `read` over a value the user handed in. Reading it can run the user's code (getters,
 * proxy traps) or fail in the engine (a revoked proxy): whatever that throws becomes an
 * MLPError naming the argument, so no TypeError ever leaves the library.
 */
export function guardedRead<T>(argument: string, read: () => T, code: MLPErrorCode = 'INVALID_ARGUMENT'): T {
  try {
    return read();
  } catch (error) {
    throw unreadable(error, argument, code);
  }
}

/** An MLPError passes unchanged; anything else thrown while reading `argument` becomes one. */
export function unreadable(error: unknown, argument: string, code: MLPErrorCode = 'INVALID_ARGUMENT'): MLPError {
  if (error instanceof MLPError) return error;
  return new MLPError(code, `${argument} could not be read (${thrownReason(error)})`, { cause: error });
}

function thrownReason(error: unknown): string {
  try {
    const message = error instanceof Error ? error.message : typeof error === 'string' ? error : describeValue(error);
    const line = oneLine(String(message));
    return line.length > 100 ? `${line.slice(0, 97)}...` : line || 'no message';
  } catch {
    return 'an unreadable error';
  }
}

/** A user's options object, validated: read once into a fresh plain record of the known names. */
export function checkOptions(value: unknown, argument: string, known: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  return guardedRead(argument, () => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidArgument(argument, value, 'an object');
    checkKnownKeys(value, argument, known);
    const record: Record<string, unknown> = {};
    for (const key of known) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) record[key] = v;
    }
    return record;
  });
}

/** Rejects option names the function does not know, so a typo never passes silently. */
export function checkKnownKeys(value: object, argument: string, known: readonly string[]): void {
  for (const key in value) {
    if (!known.includes(key)) throw unknownOption(argument, key, known);
  }
}

export function unknownOption(argument: string, key: string, known: readonly string[]): MLPError {
  return new MLPError('INVALID_ARGUMENT', `${argument} has an unknown option '${key}'; expected one of ${known.join(', ')}`);
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (!Number.isFinite(value)) return 'more than 1024 PiB';
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
