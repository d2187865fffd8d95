"""wasm-mlp's definitions in numpy (float64), no PyTorch needed: a model file read as arrays,
its forward pass (what net.predict returns), the training objective whose gradient
wasm-mlp's updates follow, and the initial parameters MLP.create draws from numpy's stream. docs/interop.md gives the definitions; check_numpy.py checks these
functions against the library."""
import json

import numpy as np


def read_model(source):
    """A model file (path) or its parsed JSON, with version 1 fields filled in as version 2's."""
    if isinstance(source, str):
        with open(source, encoding="utf-8") as f:
            source = json.load(f)
    model = dict(source)
    count = len(model["layers"]) - 1
    model.setdefault("activations", [model.get("activation", "sigmoid")] * count)
    model.setdefault("alpha", 0.01)
    model.setdefault("loss", "mse")
    model.setdefault("normalization", None)
    model.setdefault("classes", None)
    return model


def parameters(model):
    """[(W, b)] per layer: W is out x in (torch.nn.Linear's weight), b has `out` entries."""
    layers = model["layers"]
    return [
        (np.array(w, dtype=np.float64).reshape(n_out, n_in), np.array(b, dtype=np.float64))
        for w, b, n_in, n_out in zip(model["weights"], model["biases"], layers, layers[1:])
    ]


def activate(name, z, alpha):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "leaky-relu":
        return np.where(z > 0, z, alpha * z)
    if name == "linear":
        return z
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise ValueError(f"unknown activation {name!r}")


def predict(model, inputs):
    """net.predict(inputs): the stored normalisation (x - offset) / scale, then every layer."""
    a = np.asarray(inputs, dtype=np.float64)
    norm = model["normalization"]
    if norm is not None:
        a = (a - np.array(norm["offset"])) / np.array(norm["scale"])
    for (w, b), name in zip(parameters(model), model["activations"]):
        a = activate(name, a @ w.T + b, model["alpha"])
    return a


def logits(model, inputs):
    """The last layer's z: predict without its last activation."""
    last = dict(model, activations=model["activations"][:-1] + ["linear"])
    return predict(last, inputs)


def objective(model, inputs, targets):
    """The objective wasm-mlp's gradients are those of, per sample, averaged over the rows:
    half the sum of squared errors (mse), the per-output sum of the binary cross-entropy on
    the logits (binary-cross-entropy), the softmax cross-entropy (cross-entropy)."""
    y = np.asarray(targets, dtype=np.float64)
    if model["loss"] == "mse":
        return 0.5 * ((predict(model, inputs) - y) ** 2).sum(axis=1).mean()
    z = logits(model, inputs)
    if model["loss"] == "binary-cross-entropy":
        return (np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))).sum(axis=1).mean()
    log_softmax = z - z.max(axis=1, keepdims=True)
    log_softmax -= np.log(np.exp(log_softmax).sum(axis=1, keepdims=True))
    return -(y * log_softmax).sum(axis=1).mean()


def initial_parameters(layers, init="uniform", seed=0):
    """MLP.create({ layers, init, seed })'s parameters: np.random.seed(seed), then per layer
    W = rand(out, in) and b = rand(out) for 'uniform'; (2u - 1) * sqrt(6 / fan) and zero
    biases for 'xavier' (fan = in + out) and 'he' (fan = in)."""
    rng = np.random.RandomState(seed)
    result = []
    for n_in, n_out in zip(layers, layers[1:]):
        if init == "uniform":
            w = rng.rand(n_out, n_in)
            b = rng.rand(n_out, 1).ravel()
        else:
            scale = np.sqrt(6 / (n_in + n_out if init == "xavier" else n_in))
            w = (2 * rng.random_sample((n_out, n_in)) - 1) * scale
            b = np.zeros(n_out)
        result.append((w, b))
    return result
