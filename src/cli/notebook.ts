// The seed notebook (shared/seed/notebook.md), replayed through the public API: both cells,
// printed the way numpy and Python print them. `wasm-mlp notebook` prints this text.
import type { BackendName } from '../api/validate.ts';
import { formatNumpyArray } from '../format/format-numpy.ts';
import { pythonFloatRepr } from '../format/float-repr.ts';
import { MLP } from '../api/mlp.ts';

export async function notebookOutput(backend: BackendName = 'wasm'): Promise<string> {
  // Cell 1: np.random.seed(42); W1, b1, W2, b2 = rand(...); one forward/backprop step.
  const net = await MLP.create({ layers: [2, 2, 1], seed: 42, backend });
  const x = [[0, 1]];
  const y = [[1]];
  try {
    net.fit(x, y, { epochs: 1, learningRate: 0.1 });
    const { weights, biases } = net.toJSON();
    let out = '';
    // print("Updated W1:\n", W1) prints the label, a space, then str(W1).
    out += `Updated W1:\n ${formatNumpyArray(weights[0], [2, 2])}\n`;
    out += `Updated b1:\n ${formatNumpyArray(biases[0], [2, 1])}\n`;
    out += `Updated W2:\n ${formatNumpyArray(weights[1], [1, 2])}\n`;
    out += `Updated b2:\n ${formatNumpyArray(biases[1], [1, 1])}\n`;
    // Cell 2: 10,000 more epochs, printing the loss of every 1000th from the first.
    const { loss } = net.fit(x, y, { epochs: 10000, learningRate: 0.1 });
    for (let epoch = 0; epoch < loss.length; epoch += 1000) {
      out += `Epoch ${epoch + 1}, Loss: ${pythonFloatRepr(loss[epoch])}\n`;
    }
    return out;
  } finally {
    net.dispose();
  }
}
