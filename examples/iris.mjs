// Example: classify Fisher's iris with a 4-8-3 net (tanh hidden layer, softmax output,
// cross-entropy) on a seeded, shuffled 80/20 train/test split; prints the training
// progress, the test loss, accuracy and confusion matrix, and saves the model.
// Run after `npm run build` (from the repo root, or anywhere: the data path is this file's):
//   node examples/iris.mjs [wasm|js] [MODEL.json] [float64|float32]
// Both backends print the same numbers (only the time line differs); the model goes to
// MODEL.json, by default wasm-mlp-iris.json in the OS temp directory. float32 trains the
// same net in single precision (dtype: 'float32').
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MLP, loadCSV, trainTestSplit } from 'wasm-mlp';

const backend = process.argv[2] ?? 'wasm';
const modelPath = process.argv[3] || join(tmpdir(), 'wasm-mlp-iris.json');
const dtype = process.argv[4] ?? 'float64';

const data = loadCSV(fileURLToPath(new URL('./data/iris.csv', import.meta.url)));
const SEED = 42;
// iris.csv is sorted by species, so the test rows must be drawn at random, not taken from
// the end: trainTestSplit permutes the rows as np.random.seed(42); np.random.permutation(150)
// does and tests the first 30. train keeps the CSV's features, target and classes.
const { train, test } = trainTestSplit(data, { testFraction: 0.2, seed: SEED });
const perClass = data.classes.map((c, k) => `${c} ${test.targets.filter((t) => t[k] === 1).length}`);
console.log(`${train.inputs.length} training rows, ${test.inputs.length} test rows (${perClass.join(', ')})`);

const net = await MLP.create({
  layers: [4, 8, 3],
  activation: ['tanh', 'softmax'],
  loss: 'cross-entropy',
  init: 'xavier',
  seed: SEED,
  backend,
  dtype,
  classes: data.classes,
});

const epochs = 100;
const started = performance.now();
// train carries the CSV's feature names, target and classes into the model, so that
// `wasm-mlp evaluate MODEL.json --data FILE.csv` can read a file by column name.
const history = net.fit(train, {
  epochs,
  optimizer: 'adam',
  learningRate: 0.01,
  batchSize: 8,
  shuffle: true,
  // Fitted on the 120 training rows only; predict and evaluate then take raw rows.
  normalize: 'zscore',
  callbackEvery: 25,
  onEpochEnd: ({ epoch, loss, accuracy }) => {
    console.log(`epoch ${String(epoch).padStart(3)}/${epochs}  loss ${loss.toFixed(4)}  accuracy ${accuracy.toFixed(4)}`);
  },
});
const seconds = (performance.now() - started) / 1000;
const last = history.epochs - 1;
console.log(`trained ${net.layers.join('-')} on ${train.inputs.length} rows for ${history.epochs} epochs (${history.stopReason}): loss ${history.loss[0].toFixed(4)} -> ${history.loss[last].toFixed(4)}, training accuracy ${history.accuracy[last].toFixed(4)}`);
const samples = history.epochs * train.inputs.length;
console.log(`time ${seconds.toFixed(3)} s, ${Math.round(samples / seconds)} samples/s (${backend})`);

const { loss, accuracy, confusion } = net.evaluate(test.inputs, test.targets);
const correct = confusion.reduce((sum, row, k) => sum + row[k], 0);
console.log(`test loss ${loss}`);
console.log(`test accuracy ${accuracy} (${correct}/${test.inputs.length})`);
console.log(confusionTable(confusion, net.classes));

await net.save(modelPath);
console.log(`saved ${modelPath}`);
net.dispose();

/** confusion[true][predicted] as a table with the class labels on both axes. */
function confusionTable(confusion, labels) {
  const first = Math.max('true \\ predicted'.length, ...labels.map((l) => l.length));
  const width = Math.max(...labels.map((l) => l.length), ...confusion.flat().map((n) => String(n).length));
  const line = (head, cells) => `${head.padEnd(first)}  ${cells.map((c) => String(c).padStart(width)).join('  ')}`;
  return [line('true \\ predicted', labels), ...confusion.map((row, k) => line(labels[k], row))].join('\n');
}
