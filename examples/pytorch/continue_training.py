"""Continues training a wasm-mlp model in PyTorch, float64, with the same definitions:

  python3 continue_training.py MODEL.json INPUTS.npy TARGETS.npy [EPOCHS] [OUT.pt]

INPUTS.npy holds raw input rows (the model's normalisation is part of the net) and
TARGETS.npy the target rows (one-hot for classes). The options below are fit's, to be set
as the wasm-mlp training that made the model had them; with the same rows in the same
order, a model saved with includeOptimizer continues as wasm-mlp's fit would, to rounding.
"""
import sys

import numpy as np
import torch

from wasm_mlp_torch import load_model, load_optimizer_state, make_optimizer, reported_loss, training_objective

FIT = {"optimizer": "sgd", "learning_rate": 0.1, "momentum": 0.9, "weight_decay": 0.0}
BATCH_SIZE = 1

torch.set_default_dtype(torch.float64)
net, model = load_model(sys.argv[1])
x = torch.from_numpy(np.load(sys.argv[2]).astype(np.float64))
y = torch.from_numpy(np.load(sys.argv[3]).astype(np.float64))
epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 10

forward, objective = training_objective(net, model["loss"])
opt = make_optimizer(net, **FIT)
load_optimizer_state(opt, net, model)
for epoch in range(1, epochs + 1):
    # Rows in order (wasm-mlp's shuffle: np.random.permutation from the model's stream).
    for start in range(0, len(x), BATCH_SIZE):
        opt.zero_grad()
        objective(forward(x[start : start + BATCH_SIZE]), y[start : start + BATCH_SIZE]).backward()
        opt.step()
    # wasm-mlp reports the mean of the losses seen during the epoch; this is after it.
    print(f"epoch {epoch}: loss on the rows after it {reported_loss(net, model['loss'], x, y):.6g}")

if len(sys.argv) > 5:
    torch.save(net.state_dict(), sys.argv[5])
