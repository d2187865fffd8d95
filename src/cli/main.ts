// The wasm-mlp command line: which commands and flags exist, their help, and how failures
// are reported; runCli runs one command line against a CliIO (src/cli/bin.ts gives it the
// process's streams). src/cli/args.ts reads each command's arguments (unknown flags are errors,
// with the nearest flags). Bad usage or bad input prints one line to stderr and exits 2; anything
// unexpected exits 1, still in one line. src/cli/commands.ts does the work.
import { CSV_TRAIN_FLAGS, NEGATABLE_FLAGS, SPEC_KEY_OF_FLAG, STDOUT, SWITCH_FLAGS, csvTrainHelp, evaluate, notebook, predictCsv, predictJson, predictNpy, trainCsv, trainNpy, trainSpec, type Common } from './commands.ts';
import { NUMBER_TEXT, parseCommandLine, UsageError, type CommandFlags, type Flags } from './args.ts';
import { MLPError, oneLine } from '../api/errors.ts';
import { printable } from '../io/printable.ts';
import { checkBackend } from '../api/validate.ts';
import type { CliIO } from './cli-io.ts';
import { WASM_MLP_VERSION } from '../api/version.ts';
import { exportOnnx } from './export-command.ts';

const USAGE = `Usage: wasm-mlp <command> [options]

Commands:
  notebook [--backend wasm|js]                       replay the seed notebook
  train SPEC.json --out MODEL.json                   train from a JSON spec
  train --data FILE.csv --layers 4,8,3 --out MODEL.json [options]
                                                     train on a CSV file
  train --inputs X.npy --targets Y.npy --layers 4,8,3 --out MODEL.json [options]
                                                     train on numpy .npy files
  evaluate MODEL.json --data FILE.csv [--json]       loss, accuracy, confusion matrix
  predict MODEL.json INPUTS.json                     outputs as one JSON array
  predict MODEL.json --data FILE.csv [--out PRED.csv]
                                                     outputs (and classes) as CSV
  predict MODEL.json --inputs X.npy --out PRED.npy   outputs as a numpy .npy file
  export MODEL.json --onnx OUT.onnx [--float32]      the model as an ONNX graph

Run 'wasm-mlp <command> --help' for a command's details.
Options: -h, --help    show help    -v, --version    show the version`;

const TRAIN_HELP = `Usage: wasm-mlp train SPEC.json --out MODEL.json [options]
       wasm-mlp train --data FILE.csv --layers 64,128,10 --out MODEL.json [options]
       wasm-mlp train --inputs X.npy --targets Y.npy --layers 64,128,10 --out MODEL.json [options]

Trains a net and writes the model as JSON (atomically: a temp file, then rename).
Progress goes to stderr: a bar on a terminal, else a line per --log-every epochs.

SPEC.json holds the data and any option of MLP.create and net.fit by its API name:
  { "layers": [2, 8, 1], "seed": 42, "learningRate": 0.1, "epochs": 100,
    "inputs": [[0, 0], [0, 1], ...], "targets": [[0], [1], ...],
    "activation": "tanh", "optimizer": "adam", "batchSize": 4, ... }

With --data, a CSV with a header row; features are every column but the target,
or the --features list.
--layers lists every size: the first must equal the feature columns, the last the
target's width (its number of classes; 1 for a number or for two classes).

With --inputs and --targets, numpy .npy files (float64, float32, integers or bool, either
byte order; a 1-D file is one column): X.npy has one row per sample, Y.npy one row (or
one number) per sample. The targets are numbers: unless --loss or --activation says
otherwise the output is linear with mse (one-hot classes: --loss cross-entropy).

Options (CSV and .npy training; see docs/training.md for the exact definitions):
${csvTrainHelp()}
Options (both):
  --out MODEL.json            where to write the model (required; - for standard output,
                              and the summary goes to standard error)
  --include-optimizer         save the optimizer state too, to resume exactly
  --log-every N               a progress line every N epochs
  --backend wasm|js           (default wasm; both give the same model)
  -h, --help                  show this help`;

/** Every command's file arguments, flags and help: the argument reader's and the tests' one list. */
export const COMMANDS: Record<string, CommandFlags & { positionals: string[][]; expects: string; help: string }> = {
  notebook: {
    positionals: [[]],
    expects: 'no file arguments',
    flags: ['backend'],
    switches: [],
    negatable: [],
    help: `Usage: wasm-mlp notebook [--backend wasm|js]

Replays the seed notebook (a 2-2-1 sigmoid net seeded with np.random.seed(42)):
one SGD step, the updated weights, then 10,000 epochs with the loss of every
1000th. The output is byte-identical to the numpy notebook's.

Options:
  --backend wasm|js  the backend to train with (default wasm; both print the same)
  -h, --help         show this help`,
  },
  train: {
    positionals: [['SPEC.json'], []],
    expects: 'SPEC.json, or --data FILE.csv (or --inputs X.npy --targets Y.npy) and no file argument',
    flags: [...CSV_TRAIN_FLAGS, 'out', 'backend', 'log-every', 'include-optimizer'],
    switches: [...SWITCH_FLAGS, 'include-optimizer'],
    negatable: NEGATABLE_FLAGS,
    help: TRAIN_HELP,
  },
  evaluate: {
    positionals: [['MODEL.json']],
    expects: 'MODEL.json',
    flags: ['data', 'target', 'json', 'backend'],
    switches: ['json'],
    negatable: [],
    help: `Usage: wasm-mlp evaluate MODEL.json --data FILE.csv [--json] [--backend wasm|js]

Prints the loss, the accuracy and the confusion matrix (rows: true class,
columns: predicted) of the model on the CSV's rows, read with the model's
feature columns, target column and classes; raw values (the model's
normalisation is applied). --json prints {"loss":…,"accuracy":…,"confusion":[[…]]}.

Options:
  --data FILE.csv    labelled rows
  --target COLUMN    the target column, if the model does not know it
  --json             JSON output
  --backend wasm|js  (default wasm; both print the same)
  -h, --help         show this help`,
  },
  predict: {
    positionals: [['MODEL.json', 'INPUTS.json'], ['MODEL.json']],
    expects: 'MODEL.json INPUTS.json, or MODEL.json --data FILE.csv, or MODEL.json --inputs X.npy --out PRED.npy',
    flags: ['data', 'inputs', 'out', 'backend'],
    switches: [],
    negatable: [],
    help: `Usage: wasm-mlp predict MODEL.json INPUTS.json [--backend wasm|js]
       wasm-mlp predict MODEL.json --data FILE.csv [--out PRED.csv] [--backend wasm|js]
       wasm-mlp predict MODEL.json --inputs X.npy --out PRED.npy [--backend wasm|js]

With INPUTS.json (an array of input rows, or an object with an "inputs" array):
prints the outputs as one JSON array of rows, numbers in shortest round-trip form.
With --data: reads the model's feature columns from the CSV and prints (or writes
to --out, atomically) a CSV with the predicted class, when the model has classes,
and every output.
With --inputs: reads the rows of a numpy .npy file in blocks and writes the outputs
to --out as a float64 .npy file (rows x outputs), block by block, atomically.

Options:
  --data FILE.csv    rows to predict (a target column, if any, is ignored)
  --inputs X.npy     rows to predict, as a .npy file (any type loadNpy reads)
  --out PRED.csv     write the CSV here instead of printing it (with --inputs:
                     PRED.npy, required)
  --backend wasm|js  (default wasm; both print the same)
  -h, --help         show this help`,
  },
  export: {
    positionals: [['MODEL.json']],
    expects: 'MODEL.json',
    flags: ['onnx', 'float32'],
    switches: ['float32'],
    negatable: [],
    help: `Usage: wasm-mlp export MODEL.json --onnx OUT.onnx [--float32]

Writes the model as an ONNX model (atomically: a temp file, then rename) whose
output is the model's predict for raw inputs: the normalisation, every layer
and its activation, as standard ONNX operators (opset 13). The input is named
'input' [batch, inputs], the output 'output' [batch, outputs]; the class labels
and the architecture are in the model's metadata. See docs/interop.md.

Options:
  --onnx OUT.onnx    where to write the ONNX model (required)
  --float32          float32 tensors (default float64, as the model's numbers)
  -h, --help         show this help`,
  },
};

/**
 * Runs one command line (the arguments after `wasm-mlp`) and returns its exit code: 0, 2 for
 * anything the user can fix, 1 for our own failures, each failure one line on `io.stderr`.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    return await main(argv, io);
  } catch (error) {
    return report(error, io);
  }
}

async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const out = (text: string) => io.stdout(text);
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    out(`${USAGE}\n`);
    return 0;
  }
  if (command === '-v' || command === '--version') {
    out(`${WASM_MLP_VERSION}\n`);
    return 0;
  }
  const spec = COMMANDS[command];
  if (spec === undefined) {
    const names = Object.keys(COMMANDS);
    throw new UsageError(`unknown command '${command}'; expected ${names.slice(0, -1).join(', ')} or ${names.at(-1)} (see 'wasm-mlp --help')`);
  }
  const seeHelp = `(see 'wasm-mlp ${command} --help')`;
  const { flags, positionals } = parseCommandLine(command, rest, spec);
  if (flags.help) {
    out(`${spec.help}\n`);
    return 0;
  }
  if (!spec.positionals.some((p) => p.length === positionals.length)) {
    throw new UsageError(`${command}: expected ${spec.expects}; got ${positionals.length === 0 ? 'none' : positionals.map((p) => `'${p}'`).join(' ')} ${seeHelp}`);
  }
  const logEvery = flags['log-every'];
  // Written as any other number flag may be (--epochs 1e3 is 1000), but a whole number in range.
  const every = Number(logEvery);
  if (logEvery !== undefined && !(NUMBER_TEXT.test(String(logEvery)) && Number.isInteger(every) && every >= 1 && every <= 0x7fffffff)) {
    throw new UsageError(`${command}: --log-every must be an integer from 1 to 2147483647; got '${logEvery}'`);
  }
  const common: Common = {
    backend: flags.backend === undefined ? 'wasm' : checkBackend(flags.backend, '--backend'),
    logEvery: logEvery === undefined ? undefined : every,
    includeOptimizer: flags['include-optimizer'] === true,
    io,
  };
  const result = await run(command, positionals, flags, common, seeHelp);
  if (result !== undefined) out(`${result}\n`);
  return 0;
}

/** With `--out -` the model is standard output, so the summary goes to standard error. */
function toStderrIfModelOnStdout(out: string, summary: string, io: CliIO): string | undefined {
  if (out !== STDOUT) return summary;
  io.stderr(`${summary}\n`);
  return undefined;
}

async function run(command: string, positionals: string[], flags: Flags, common: Common, seeHelp: string): Promise<string | undefined> {
  if (command === 'notebook') return (await notebook(common)).slice(0, -1);
  if (command === 'train') {
    if (typeof flags.out !== 'string') throw new UsageError(`train: --out MODEL.json is required ${seeHelp}`);
    if (positionals.length === 1) {
      const csvFlag = CSV_TRAIN_FLAGS.find((f) => flags[f] !== undefined);
      if (csvFlag === 'data') throw new UsageError(`train: give SPEC.json or --data FILE.csv, not both ${seeHelp}`);
      if (csvFlag === 'stream') throw new UsageError(`train: --stream works with --data FILE.csv or --inputs X.npy --targets Y.npy, not with SPEC.json ${seeHelp}`);
      if (csvFlag === 'inputs' || csvFlag === 'targets') throw new UsageError(`train: give SPEC.json or --inputs X.npy --targets Y.npy, not both ${seeHelp}`);
      if (csvFlag !== undefined) {
        const key = SPEC_KEY_OF_FLAG[csvFlag];
        throw new UsageError(`train: --${csvFlag} ${key ? `goes in SPEC.json as "${key}"` : 'works with --data FILE.csv only'} ${seeHelp}`);
      }
      return toStderrIfModelOnStdout(flags.out, await trainSpec(positionals[0], flags.out, common), common.io);
    }
    if (flags.inputs !== undefined || flags.targets !== undefined) return toStderrIfModelOnStdout(flags.out, await trainNpy(flags, flags.out, common), common.io);
    if (typeof flags.data !== 'string') throw new UsageError(`train: expected ${COMMANDS.train.expects}; got none ${seeHelp}`);
    return toStderrIfModelOnStdout(flags.out, await trainCsv(flags, flags.out, common), common.io);
  }
  if (command === 'export') {
    if (typeof flags.onnx !== 'string') throw new UsageError(`export: --onnx OUT.onnx is required ${seeHelp}`);
    if (flags.onnx === STDOUT) throw new UsageError(`export: --onnx must be a file path (an ONNX model is binary, so not standard output) ${seeHelp}`);
    return exportOnnx(positionals[0], flags.onnx, flags.float32 === true);
  }
  if (command === 'evaluate') {
    if (typeof flags.data !== 'string') throw new UsageError(`evaluate: --data FILE.csv is required ${seeHelp}`);
    return evaluate(positionals[0], flags, common);
  }
  if (positionals.length === 2) {
    if (flags.data !== undefined || flags.inputs !== undefined || flags.out !== undefined) {
      throw new UsageError(`predict: --data, --inputs and --out go with MODEL.json alone, not with INPUTS.json ${seeHelp}`);
    }
    return predictJson(positionals[0], positionals[1], common);
  }
  if (flags.inputs !== undefined) {
    if (flags.data !== undefined) throw new UsageError(`predict: give --data FILE.csv or --inputs X.npy, not both ${seeHelp}`);
    if (typeof flags.out !== 'string' || flags.out === STDOUT) throw new UsageError(`predict: --inputs X.npy needs --out PRED.npy (the outputs are written as a .npy file) ${seeHelp}`);
    return predictNpy(positionals[0], flags, common);
  }
  if (typeof flags.data !== 'string') throw new UsageError(`predict: expected ${COMMANDS.predict.expects}; got only '${positionals[0]}' ${seeHelp}`);
  return predictCsv(positionals[0], flags, common);
}

/** The longest error line printed: a message quoting a user's file stays readable. */
const MAX_ERROR_LINE = 500;

/** One line on stderr, its control characters escaped; 2 for anything the user can fix, 1 for our own failures. */
function report(error: unknown, io: CliIO): number {
  let line = printable(oneLine(error instanceof Error ? error.message : String(error)));
  if (line.length > MAX_ERROR_LINE) line = `${line.slice(0, MAX_ERROR_LINE - 1)}…`;
  if (error instanceof UsageError || (error instanceof MLPError && error.code !== 'INTERNAL')) {
    io.stderr(`wasm-mlp: ${line}\n`);
    return 2;
  }
  io.stderr(`wasm-mlp: internal error: ${line}\n`);
  return 1;
}
