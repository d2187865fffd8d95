"""Checks wasm_mlp_numpy.py against the library, with numpy only:

  python3 check_numpy.py MODEL.json INPUTS.json PREDICTIONS.json
      the numpy forward pass of MODEL.json on INPUTS.json (an array of rows) against
      PREDICTIONS.json (`wasm-mlp predict MODEL.json INPUTS.json > PREDICTIONS.json`);
  python3 check_numpy.py --init LAYERS INIT SEED MODEL.json
      initial_parameters(LAYERS, INIT, SEED) against an untrained model saved by
      MLP.create({ layers, init, seed }) (LAYERS like 4,8,3).

Prints the largest error relative to each output's scale (its largest |value|), and exits 1
if it is above 1e-12 (the forward pass) or not 0 (the initial parameters, drawn exactly)."""
import json
import sys

import numpy as np

from wasm_mlp_numpy import initial_parameters, parameters, predict, read_model


def forward_error(model_path, inputs_path, predictions_path):
    with open(inputs_path, encoding="utf-8") as f:
        inputs = json.load(f)
    if isinstance(inputs, dict):
        inputs = inputs["inputs"]
    with open(predictions_path, encoding="utf-8") as f:
        expected = np.array(json.load(f), dtype=np.float64)
    got = predict(read_model(model_path), inputs)
    scale = np.abs(expected).max(axis=0)
    scale[scale == 0] = 1
    return float((np.abs(got - expected) / scale).max())


def init_error(layers, init, seed, model_path):
    drawn = initial_parameters(layers, init, seed)
    saved = parameters(read_model(model_path))
    return max(float(np.abs(a - b).max()) for pair, keep in zip(drawn, saved) for a, b in zip(pair, keep))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--init"]:
        layers = [int(n) for n in sys.argv[2].split(",")]
        error = init_error(layers, sys.argv[3], int(sys.argv[4]), sys.argv[5])
        print(f"initial parameters: largest difference {error:.3g}")
        sys.exit(0 if error == 0 else 1)
    error = forward_error(*sys.argv[1:4])
    print(f"numpy forward vs predict: largest error relative to the output's scale {error:.3g}")
    sys.exit(0 if error <= 1e-12 else 1)
