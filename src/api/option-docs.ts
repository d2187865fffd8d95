// The words of every option in option-registry.ts: its TypeScript type, how the docs state its
// default, its one-line doc, its `wasm-mlp train --data` flag and whether a SPEC.json may set
// it. The CLI's flags, their parsing and the options part of `wasm-mlp train --help` (src/cli),
// and the public option types with their doc comments (options.generated.ts, by
// scripts/gen-options.mjs) derive from the options documented here. The library never
// imports this file, so its bundles carry none of the text.
import { ACTIVATIONS, DTYPES, LOSSES, OPTIMIZERS } from '../backends/layout.ts';
import {
  CREATE_OPTION_SPECS, FIT_OPTION_SPECS, INITS, LOAD_OPTION_SPECS, NORMALIZATIONS, SAVE_OPTION_SPECS, type OptionCall, type OptionSpec,
} from './option-registry.ts';

/** How the CLI reads a flag's text: a number, comma-separated integers, a name, one name or a comma-separated list, or a switch without a value. */
export type FlagKind = 'number' | 'integers' | 'name' | 'names' | 'switch';

/**
 * An option's `wasm-mlp train --data` flag. A CSV training run uses `cliDefault` where the flag
 * is left out: first-run settings that train a useful model on a small table (the library's
 * own defaults reproduce the seed notebook instead; README's CLI section compares them).
 */
export interface CliFlag {
  readonly name: string;
  readonly kind: FlagKind;
  readonly meta?: string;
  /** The value `train --data` uses when the flag is left out, if not the API default. */
  readonly cliDefault?: unknown;
  /** How `train --help` states a default the CLI chooses from the data (the activation, the loss). */
  readonly cliDefaultText?: string;
}

export interface OptionDoc {
  /** The option's TypeScript type in the public interface. */
  readonly type: string;
  /** How the docs state the default, when not as the value itself; '' for none worth stating. */
  readonly defaultText?: string;
  /** One line for the doc comment and the CLI help. */
  readonly doc: string;
  /** The `wasm-mlp train --data` flag, if any. */
  readonly flag?: CliFlag;
  /** Whether a `wasm-mlp train` SPEC.json may set it (the CLI itself decides the others). */
  readonly spec: boolean;
}

/** An option of the registry with its words and the call it belongs to (the list it is in). */
export type DocumentedOption = OptionSpec & OptionDoc & { readonly call: OptionCall };

const names = (list: readonly string[]) => list.join(', ');

const SEED: OptionDoc = {
  type: 'number', defaultText: 'random', spec: true,
  doc: 'Seed of the numpy-compatible random stream (np.random.seed).',
  flag: { name: 'seed', kind: 'number', meta: 'N', cliDefault: 0 },
};
const BACKEND: OptionDoc = {
  type: 'BackendName', spec: false,
  doc: "'wasm' or 'js': the same results, bit for bit.",
};
const SIMD: OptionDoc = {
  type: 'boolean', defaultText: 'SIMD where the engine has it', spec: false,
  doc: 'wasm: false forces the scalar kernel (the same bits).',
};
const THREADS: OptionDoc = {
  type: 'number', spec: false,
  doc: 'wasm: threads sharing each mini-batch\'s products (the same bits for any count); pays off for batches of wide layers. A call with no product of >= 4 rows and >= 2^19 multiply-adds (rows x inputs x outputs of a layer) runs on the calling thread alone, so threads never slow a small net or batch down.',
};

const WORKER: OptionDoc = {
  // Typed false here: `worker: true` is its own overload of MLP.create, fromJSON and load
  // (WorkerCreateOptions, WorkerLoadOptions), so options typed as these interfaces make an MLP.
  type: 'false', spec: false,
  doc: 'true makes a WorkerMLP: the net lives in a dedicated Worker (a worker_thread in Node) and its methods return promises.',
};

type Docs<L extends readonly OptionSpec[]> = { readonly [S in L[number] as S['name']]: OptionDoc };

const CREATE: Docs<typeof CREATE_OPTION_SPECS> = {
  layers: {
    type: 'readonly number[]', defaultText: '', spec: true,
    doc: 'Sizes of every layer, input and output included (e.g. 2,2,1).',
    flag: { name: 'layers', kind: 'integers', meta: 'N,N,...' },
  },
  activation: {
    type: 'Activation | readonly Activation[]', spec: true,
    doc: `One activation for every layer, or one per weight layer: ${names(ACTIVATIONS)} (softmax on the output layer only).`,
    flag: {
      name: 'activation', kind: 'names', meta: 'A[,A...]',
      cliDefaultText: 'relu on the hidden layers; on the output softmax for a categorical target, sigmoid for one output of two classes, linear for a numeric target',
    },
  },
  alpha: {
    type: 'number', spec: true,
    doc: 'The leaky-relu slope.',
    flag: { name: 'alpha', kind: 'number', meta: 'X' },
  },
  loss: {
    type: 'Loss', spec: true,
    doc: `${names(LOSSES)} (cross-entropy needs a softmax output, binary-cross-entropy sigmoid outputs).`,
    flag: { name: 'loss', kind: 'name', meta: 'L', cliDefaultText: 'cross-entropy after softmax, binary-cross-entropy after sigmoid with two classes, else mse' },
  },
  init: {
    type: 'Init', spec: true,
    doc: `Weight initialisation: ${names(INITS)} (uniform is the notebook's rand).`,
    flag: { name: 'init', kind: 'name', meta: 'I', cliDefault: 'xavier' },
  },
  seed: SEED,
  backend: BACKEND,
  simd: SIMD,
  threads: THREADS,
  classes: {
    type: 'readonly string[] | null', defaultText: 'none', spec: true,
    doc: 'Class labels, one per output (two for a single sigmoid output), for predictClass.',
  },
  dtype: {
    type: 'Dtype', spec: false,
    doc: `The type of every parameter and computation: ${names(DTYPES)} (float32: twice the SIMD lanes, still the same bits on every backend; docs/training.md).`,
  },
  worker: WORKER,
};

const FIT: Docs<typeof FIT_OPTION_SPECS> = {
  epochs: {
    type: 'number', spec: true,
    doc: 'Passes over the training rows this call runs at most.',
    flag: { name: 'epochs', kind: 'number', meta: 'N', cliDefault: 100 },
  },
  learningRate: {
    type: 'number', spec: true,
    doc: 'The step size lr of every update.',
    flag: { name: 'learning-rate', kind: 'number', meta: 'X', cliDefault: 0.01 },
  },
  batchSize: {
    type: 'number', spec: true,
    doc: 'Samples per update (the mean gradient of each mini-batch).',
    flag: { name: 'batch-size', kind: 'number', meta: 'N', cliDefault: 32 },
  },
  optimizer: {
    type: 'Optimizer', spec: true,
    doc: `The update rule: ${names(OPTIMIZERS)}.`,
    flag: { name: 'optimizer', kind: 'name', meta: 'O', cliDefault: 'adam' },
  },
  momentum: {
    type: 'number', spec: true,
    doc: "The momentum optimizer's mu.",
    flag: { name: 'momentum', kind: 'number', meta: 'X' },
  },
  beta1: {
    type: 'number', spec: true,
    doc: "adam's decay of the gradient's mean.",
    flag: { name: 'beta1', kind: 'number', meta: 'X' },
  },
  beta2: {
    type: 'number', spec: true,
    doc: "adam's decay of the gradient's squares.",
    flag: { name: 'beta2', kind: 'number', meta: 'X' },
  },
  epsilon: {
    type: 'number', spec: true,
    doc: "adam's epsilon.",
    flag: { name: 'epsilon', kind: 'number', meta: 'X' },
  },
  weightDecay: {
    type: 'number', spec: true,
    doc: 'L2 weight decay added to every gradient.',
    flag: { name: 'weight-decay', kind: 'number', meta: 'X' },
  },
  shuffle: {
    type: 'boolean', spec: true,
    doc: 'A fresh permutation of the rows every epoch.',
    flag: { name: 'shuffle', kind: 'switch', cliDefault: true },
  },
  shuffleBuffer: {
    type: 'number', defaultText: 'none', spec: false,
    doc: 'With shuffle and a DataSource: the rows held to draw each next row from at random (docs/training.md, Streamed training).',
    flag: { name: 'shuffle-buffer', kind: 'number', meta: 'N' },
  },
  validationSplit: {
    type: 'number', spec: true,
    doc: "Hold out the last fraction of the rows for validation (Keras's way).",
    flag: { name: 'validation-split', kind: 'number', meta: 'F' },
  },
  validationData: {
    type: '{ inputs: Matrix; targets: Matrix }', defaultText: 'none', spec: true,
    doc: 'Rows scored after every epoch (instead of validationSplit).',
  },
  validationSource: {
    type: 'DataSource', defaultText: 'none', spec: false,
    doc: 'A DataSource scored after every epoch of a streamed fit (instead of validationData).',
  },
  errorThreshold: {
    type: 'number', defaultText: 'none', spec: true,
    doc: "Stop once an epoch's loss is below it.",
    flag: { name: 'error-threshold', kind: 'number', meta: 'X' },
  },
  patience: {
    type: 'number', defaultText: 'none', spec: true,
    doc: 'Early stopping: epochs without a better validation loss before training stops.',
    flag: { name: 'patience', kind: 'number', meta: 'N' },
  },
  restoreBestWeights: {
    type: 'boolean', spec: true,
    doc: 'With patience: end with the parameters of the best validation loss.',
    flag: { name: 'restore-best-weights', kind: 'switch' },
  },
  onEpochEnd: {
    type: '(stats: EpochStats) => boolean | void | PromiseLike<boolean | void>', defaultText: 'none', spec: false,
    doc: 'Called every callbackEvery epochs and after the last; returning false stops training (fitAsync awaits a returned promise).',
  },
  callbackEvery: {
    type: 'number', spec: false,
    doc: 'Epochs between onEpochEnd calls.',
  },
  signal: {
    type: 'AbortSignal', defaultText: 'none', spec: false,
    doc: 'Stops training between epochs once aborted (fitAsync, or from onEpochEnd).',
  },
  normalize: {
    type: 'Normalize', defaultText: "the dataset's, else the net's current", spec: true,
    doc: `Input normalisation fitted on the training rows: ${names(NORMALIZATIONS)}.`,
    flag: { name: 'normalize', kind: 'name', meta: 'N', cliDefault: 'zscore' },
  },
};

const LOAD: Docs<typeof LOAD_OPTION_SPECS> = {
  backend: BACKEND,
  simd: SIMD,
  threads: THREADS,
  seed: { ...SEED, defaultText: 'random; a saved stream wins', doc: 'Seeds the shuffling stream of a model saved without its training state.', flag: undefined, spec: false },
  worker: WORKER,
};

const SAVE: Docs<typeof SAVE_OPTION_SPECS> = {
  includeOptimizer: {
    type: 'boolean', spec: false,
    doc: 'Save the optimizer state and the random stream too, so training resumes exactly.',
  },
};

function documented<L extends readonly OptionSpec[]>(call: OptionCall, specs: L, docs: Docs<L>): DocumentedOption[] {
  return specs.map((spec) => ({ ...spec, call, ...(docs as Record<string, OptionDoc>)[spec.name] }));
}

export const DOCUMENTED_CREATE_OPTIONS = documented('create', CREATE_OPTION_SPECS, CREATE);
export const DOCUMENTED_FIT_OPTIONS = documented('fit', FIT_OPTION_SPECS, FIT);
export const DOCUMENTED_OPTIONS: readonly DocumentedOption[] = [
  ...DOCUMENTED_CREATE_OPTIONS, ...DOCUMENTED_FIT_OPTIONS, ...documented('load', LOAD_OPTION_SPECS, LOAD), ...documented('save', SAVE_OPTION_SPECS, SAVE),
];

/** The public interface each call's options are declared as, in options.generated.ts. */
export const OPTION_INTERFACES: readonly { readonly call: OptionCall; readonly name: string; readonly doc: string }[] = [
  { call: 'create', name: 'CreateOptions', doc: 'The options of MLP.create.' },
  { call: 'fit', name: 'FitOptions', doc: 'The options of net.fit and net.fitAsync (docs/training.md defines each).' },
  { call: 'load', name: 'LoadOptions', doc: 'The options of MLP.fromJSON and MLP.load.' },
  { call: 'save', name: 'SaveOptions', doc: 'The options of net.toJSON and net.save.' },
];

/** The types the option types name, by the module that exports them (relative to src/api/). */
export const OPTION_TYPE_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  '../backends/layout.ts': ['Activation', 'Dtype', 'Loss', 'Optimizer'],
  './option-registry.ts': ['EpochStats', 'Init', 'Normalize'],
  './validate.ts': ['BackendName'],
  './rows.ts': ['Matrix'],
  '../data/data-source.ts': ['DataSource'],
};
