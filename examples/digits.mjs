// Example: recognise handwritten digits (8x8 images, 64 pixels) with a 64-128-10 net —
// relu hidden layer (he init), softmax output, cross-entropy, adam on shuffled
// mini-batches of 32, z-score inputs — on a seeded 80/20 train/test split; prints a line
// per epoch, the test accuracy and confusion matrix, the training time and samples/s.
// Run after `npm run build` (from the repo root, or anywhere: the data path is this file's):
//   node examples/digits.mjs [wasm|js] [float64|float32]
// Both backends print the same numbers; only the time line differs. float32 trains the same
// net in single precision (dtype: 'float32').
import { fileURLToPath } from 'node:url';
import { MLP, loadCSV, trainTestSplit } from 'wasm-mlp';

const backend = process.argv[2] ?? 'wasm';
const dtype = process.argv[3] ?? 'float64';
const SEED = 42;

// The digit column is numeric; categorical makes it one-hot over the classes '0'..'9'.
const data = loadCSV(fileURLToPath(new URL('./data/digits.csv', import.meta.url)), { targetType: 'categorical' });
// np.random.seed(42); np.random.permutation(1797): the first 360 test, the rest train.
const { train, test } = trainTestSplit(data, { testFraction: 0.2, seed: SEED });
console.log(`${train.inputs.length} training rows, ${test.inputs.length} test rows`);

const net = await MLP.create({
  layers: [64, 128, 10],
  activation: ['relu', 'softmax'],
  loss: 'cross-entropy',
  init: 'he',
  seed: SEED,
  backend,
  dtype,
  classes: data.classes,
});

const epochs = 20;
const started = performance.now();
const history = net.fit(train, {
  epochs,
  optimizer: 'adam',
  learningRate: 0.001,
  batchSize: 32,
  shuffle: true,
  // Fitted on the training rows only (a pixel that is always 0 there keeps scale 1).
  normalize: 'zscore',
  // Only loss and accuracy here: the per-epoch speed would differ between backends.
  onEpochEnd: ({ epoch, loss, accuracy }) => {
    console.log(`epoch ${String(epoch).padStart(2)}/${epochs}  loss ${loss.toFixed(4)}  accuracy ${accuracy.toFixed(4)}`);
  },
});
const seconds = (performance.now() - started) / 1000;
const samples = history.epochs * train.inputs.length;
console.log(`time ${seconds.toFixed(3)} s, ${Math.round(samples / seconds)} samples/s (${backend}, ${history.epochs} epochs of ${train.inputs.length} rows)`);

const { loss, accuracy, confusion } = net.evaluate(test.inputs, test.targets);
const correct = confusion.reduce((sum, row, k) => sum + row[k], 0);
console.log(`test loss ${loss}`);
console.log(`test accuracy ${accuracy} (${correct}/${test.inputs.length})`);
console.log(confusionTable(confusion, net.classes));
net.dispose();

/** confusion[true][predicted] as a table with the class labels on both axes. */
function confusionTable(confusion, labels) {
  const first = Math.max('true \\ predicted'.length, ...labels.map((l) => l.length));
  const width = Math.max(...labels.map((l) => l.length), ...confusion.flat().map((n) => String(n).length));
  const line = (head, cells) => `${head.padEnd(first)}  ${cells.map((c) => String(c).padStart(width)).join('  ')}`;
  return [line('true \\ predicted', labels), ...confusion.map((row, k) => line(labels[k], row))].join('\n');
}
