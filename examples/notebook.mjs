// The seed notebook (shared/seed/notebook.md) written with wasm-mlp, cell for cell, to
// read beside the Python. Run: node examples/notebook.mjs [wasm|js]
// It prints exactly what the notebook printed.
import { MLP } from 'wasm-mlp';
import { formatNumpyArray, pythonFloatRepr } from 'wasm-mlp/format';

const backend = process.argv[2] ?? 'wasm';

// np.random.seed(42); W1 = rand(2, 2); b1 = rand(2, 1); W2 = rand(1, 2); b2 = rand(1, 1)
const net = await MLP.create({ layers: [2, 2, 1], seed: 42, backend });

// x = np.array([[0], [1]]); y = np.array([[1]]); learning_rate = 0.1
const x = [[0, 1]];
const y = [[1]];
const learningRate = 0.1;

// v1, y_hat = forward_pass(...); W1, b1, W2, b2 = backpropagation(...)
net.fit(x, y, { epochs: 1, learningRate });

// print("Updated W1:\n", W1) ... — print() puts a space between its two arguments.
const { weights, biases } = net.toJSON();
console.log('Updated W1:\n', formatNumpyArray(weights[0], [2, 2]));
console.log('Updated b1:\n', formatNumpyArray(biases[0], [2, 1]));
console.log('Updated W2:\n', formatNumpyArray(weights[1], [1, 2]));
console.log('Updated b2:\n', formatNumpyArray(biases[1], [1, 1]));

// for epoch in range(10000): ... if epoch % 1000 == 0: print(f'Epoch {epoch+1}, Loss: {loss}')
// fit returns each epoch's loss, computed from that epoch's forward pass as the notebook does.
const { loss } = net.fit(x, y, { epochs: 10000, learningRate });
for (let epoch = 0; epoch < 10000; epoch += 1000) {
  console.log(`Epoch ${epoch + 1}, Loss: ${pythonFloatRepr(loss[epoch])}`);
}

net.dispose();
