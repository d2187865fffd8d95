"""Checks wasm_mlp_numpy.py against the library, with numpy only:

  python3 check_numpy.py MODEL.json INPUTS.json PREDICTIONS.json
      the numpy forward pass of MODEL.json on INPUTS.json (an array of rows) against
      PREDICTIONS.json (`wasm-mlp predict MODEL.json INPUTS.json > PREDICTIONS.json`);
  python3 check_numpy.py --init LAYERS INIT SEED MODEL.json
      initial_parameters(LAYERS, INIT, SEED) against an untrained model saved by
      MLP.create({ layers, init, seed }) (LAYERS like 4,8,3);
  python3 check_numpy.py --gradient BEFORE.json AFTER.json INPUTS.json TARGETS.json LR
      the gradient of objective() at BEFORE.json, by central differences, against the step
      wasm-mlp took to AFTER.json: one fit epoch of plain sgd at learning rate LR with every
      row in one batch, (before - after) / LR.

Exits 1 if the forward pass is above 1e-12 of each output's scale (its largest |value|),
if the initial parameters differ at all (they are drawn exactly), or if the gradient is
further than 1e-6 of its largest entry from the differences' (they are approximations)."""
import json
import sys

import numpy as np

from wasm_mlp_numpy import initial_parameters, objective, parameters, predict, read_model


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


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def gradient_error(before_path, after_path, inputs_path, targets_path, learning_rate):
    before, after = read_model(before_path), read_model(after_path)
    x, y = load_json(inputs_path), load_json(targets_path)
    worst, largest = 0.0, 0.0
    for key in ("weights", "biases"):
        for l, values in enumerate(before[key]):
            for i in range(len(values)):
                step = (values[i] - after[key][l][i]) / learning_rate
                h = 1e-6 * max(1.0, abs(values[i]))
                shifted = [dict(before, **{key: [list(v) for v in before[key]]}) for _ in range(2)]
                shifted[0][key][l][i] += h
                shifted[1][key][l][i] -= h
                difference = (objective(shifted[0], x, y) - objective(shifted[1], x, y)) / (2 * h)
                worst = max(worst, abs(step - difference))
                largest = max(largest, abs(step))
    return worst / largest


if __name__ == "__main__":
    if sys.argv[1:2] == ["--gradient"]:
        error = gradient_error(*sys.argv[2:6], float(sys.argv[6]))
        print(f"the step against the objective's gradient: largest difference {error:.3g} of the largest entry")
        sys.exit(0 if error <= 1e-6 else 1)
    if sys.argv[1:2] == ["--init"]:
        layers = [int(n) for n in sys.argv[2].split(",")]
        error = init_error(layers, sys.argv[3], int(sys.argv[4]), sys.argv[5])
        print(f"initial parameters: largest difference {error:.3g}")
        sys.exit(0 if error == 0 else 1)
    error = forward_error(*sys.argv[1:4])
    print(f"numpy forward vs predict: largest error relative to the output's scale {error:.3g}")
    sys.exit(0 if error <= 1e-12 else 1)
