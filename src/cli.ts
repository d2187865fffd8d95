// The wasm-mlp command line: notebook, train and predict. Arguments are parsed by
// node:util parseArgs (strict: unknown flags are errors). Bad usage or bad input prints
// one line to stderr and exits 2; anything unexpected exits 1, still in one line.
import { readFileSync, statSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { writeFileAtomic } from './atomic-write.ts';
import { describeValue, MLPError, oneLine } from './errors.ts';
import { parseJsonText } from './json-text.ts';
import { MLP } from './mlp.ts';
import { notebookOutput } from './notebook.ts';
import { checkBackend, checkOptions } from './validate.ts';

const VERSION = '0.1.0';

const USAGE = `Usage: wasm-mlp <command> [options]

Commands:
  notebook [--backend wasm|js]                          replay the seed notebook
  train SPEC.json --out MODEL.json [--backend wasm|js]  train a net from a JSON spec
  predict MODEL.json INPUTS.json [--backend wasm|js]    print the outputs as JSON

Run 'wasm-mlp <command> --help' for a command's details.
Options: -h, --help    show help    -v, --version    show the version`;

const COMMAND_USAGE: Record<string, string> = {
  notebook: `Usage: wasm-mlp notebook [--backend wasm|js]

Replays the seed notebook (a 2-2-1 sigmoid net seeded with np.random.seed(42)):
one SGD step, the updated weights, then 10,000 epochs with the loss of every
1000th. The output is byte-identical to the numpy notebook's.

Options:
  --backend wasm|js  the backend to train with (default wasm; both print the same)
  -h, --help         show this help`,
  train: `Usage: wasm-mlp train SPEC.json --out MODEL.json [--backend wasm|js]

Trains a sigmoid MLP with per-sample SGD and writes the model as JSON
(atomically: a temp file, then rename). SPEC.json:
  { "layers": [2, 8, 1], "seed": 42, "learningRate": 0.1, "epochs": 100,
    "inputs": [[0, 0], [0, 1], ...], "targets": [[0], [1], ...] }
seed is optional (random when omitted), learningRate defaults to 0.1, epochs to 1.

Options:
  --out MODEL.json   where to write the model (required)
  --backend wasm|js  the backend to train with (default wasm; both give the same model)
  -h, --help         show this help`,
  predict: `Usage: wasm-mlp predict MODEL.json INPUTS.json [--backend wasm|js]

Prints the network's outputs for INPUTS.json as one JSON array of rows, every
number in shortest round-trip form. INPUTS.json is an array of input rows, or
an object with an "inputs" array (a train spec works).

Options:
  --backend wasm|js  the backend to run (default wasm; both print the same)
  -h, --help         show this help`,
};

const COMMAND_OPTIONS: Record<string, { positionals: string[]; options: NonNullable<ParseArgsConfig['options']> }> = {
  notebook: { positionals: [], options: { backend: { type: 'string' } } },
  train: { positionals: ['SPEC.json'], options: { out: { type: 'string' }, backend: { type: 'string' } } },
  predict: { positionals: ['MODEL.json', 'INPUTS.json'], options: { backend: { type: 'string' } } },
};

/** Wrong use of the command line: printed with a pointer to --help, exit 2. */
class UsageError extends Error {}

interface Output {
  out(text: string): void;
}

export async function main(argv: readonly string[], io: Output): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if (command === '-v' || command === '--version') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const spec = COMMAND_OPTIONS[command];
  if (spec === undefined) throw new UsageError(`unknown command '${command}'; expected notebook, train or predict (see 'wasm-mlp --help')`);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    const flags = [...Object.keys(spec.options).map((name) => `--${name}`), '--help'];
    const expected = `expected ${flags.slice(0, -1).join(', ')} or ${flags.at(-1)} (see 'wasm-mlp ${command} --help')`;
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']*)'/.exec(e.message)?.[1] ?? '?';
      throw new UsageError(`${command}: unknown option '${flag}'; ${expected}`);
    }
    throw new UsageError(`${command}: ${oneLine(e.message).replace(/\. To specify a positional.*$/, '')}; ${expected}`);
  }
  const { positionals } = parsed;
  const values = parsed.values as { help?: boolean; backend?: string; out?: string };
  if (values.help) {
    io.out(`${COMMAND_USAGE[command]}\n`);
    return 0;
  }
  if (positionals.length !== spec.positionals.length) {
    const expected = spec.positionals.length === 0 ? 'no file arguments' : spec.positionals.join(' ');
    throw new UsageError(`${command}: expected ${expected}; got ${positionals.length === 0 ? 'none' : positionals.map((p) => `'${p}'`).join(' ')} (see 'wasm-mlp ${command} --help')`);
  }
  const backend = values.backend === undefined ? 'wasm' : checkBackend(values.backend, '--backend');
  if (command === 'notebook') {
    io.out(await notebookOutput(backend));
  } else if (command === 'train') {
    if (typeof values.out !== 'string') throw new UsageError(`train: --out MODEL.json is required (see 'wasm-mlp train --help')`);
    if (values.out === '') throw new UsageError(`train: --out must be a file path; got ''`);
    io.out(`${await train(positionals[0], values.out, backend)}\n`);
  } else {
    io.out(`${await predict(positionals[0], positionals[1], backend)}\n`);
  }
  return 0;
}

async function train(specPath: string, outPath: string, backend: 'wasm' | 'js'): Promise<string> {
  const spec = checkOptions(readJson(specPath), specPath, ['layers', 'seed', 'learningRate', 'epochs', 'inputs', 'targets']);
  for (const key of ['layers', 'inputs', 'targets']) {
    if (spec[key] === undefined) throw new MLPError('INVALID_ARGUMENT', `${specPath} must have "${key}"`);
  }
  const net = await inFile(specPath, () => MLP.create({ layers: spec.layers as number[], seed: spec.seed as number | undefined, backend }));
  try {
    const { loss } = await inFile(specPath, () =>
      net.fit(spec.inputs as number[][], spec.targets as number[][], {
        epochs: spec.epochs as number | undefined,
        learningRate: spec.learningRate as number | undefined,
      }),
    );
    writeModel(outPath, `${JSON.stringify(net.toJSON())}\n`);
    const rows = (spec.inputs as unknown[]).length;
    const lossText = loss.length === 0 ? 'no epochs run' : `loss ${loss[0]} -> ${loss[loss.length - 1]}`;
    return `trained ${net.layers.join('-')} on ${rows} samples for ${loss.length} epochs (${backend}, seed ${net.seed}): ${lossText}; wrote ${outPath}`;
  } finally {
    net.dispose();
  }
}

async function predict(modelPath: string, inputsPath: string, backend: 'wasm' | 'js'): Promise<string> {
  const net = await MLP.fromJSON(readJson(modelPath), { backend });
  try {
    const inputs = readJson(inputsPath);
    const rows = inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs) ? (inputs as { inputs?: unknown }).inputs : inputs;
    if (!Array.isArray(rows)) {
      throw new MLPError('INVALID_ARGUMENT', `${inputsPath} must be an array of input rows or an object with an "inputs" array; got ${describeValue(inputs)}`);
    }
    return JSON.stringify(net.predict(rows));
  } finally {
    net.dispose();
  }
}

/** Prefixes a bad value's message with the file it came from. */
async function inFile<T>(path: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof MLPError && error.code === 'INVALID_ARGUMENT') throw new MLPError(error.code, `${path}: ${error.message}`);
    throw error;
  }
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MLPError('IO', `cannot read ${path}: ${systemReason(error)}`);
  }
  return parseJsonText(text, path, 'INVALID_ARGUMENT');
}

function writeModel(path: string, text: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    /* absent: written below */
  }
  if (isDirectory) throw new MLPError('IO', `cannot write ${path}: it is a directory`);
  try {
    writeFileAtomic(path, text);
  } catch (error) {
    throw new MLPError('IO', `cannot write ${path}: ${systemReason(error)}`);
  }
}

function systemReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a parent is not a directory',
    EBUSY: 'the path is busy (a mount point or directory?)',
    ENOSPC: 'no space left on the device',
    EROFS: 'read-only file system',
    EPERM: 'operation not permitted',
    EEXIST: 'it already exists',
    ENAMETOOLONG: 'the name is too long',
  };
  if (e.code && reasons[e.code]) return reasons[e.code];
  // Never the raw message: it can name our temp file.
  return e.code ? `system error ${e.code}` : String(error);
}

/** One line on stderr; 2 for anything the user can fix, 1 for our own failures. */
function report(error: unknown): number {
  const line = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  if (error instanceof UsageError || (error instanceof MLPError && error.code !== 'INTERNAL')) {
    process.stderr.write(`wasm-mlp: ${line}\n`);
    return 2;
  }
  process.stderr.write(`wasm-mlp: internal error: ${line}\n`);
  return 1;
}

main(process.argv.slice(2), { out: (text) => process.stdout.write(text) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.exitCode = report(error);
  },
);
