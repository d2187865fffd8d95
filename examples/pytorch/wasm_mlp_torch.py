"""A wasm-mlp model in PyTorch (float64), with wasm-mlp's definitions (docs/interop.md):
the net as an nn.Sequential, the training objective whose gradient is wasm-mlp's, the
optimizer with weight decay on weights only, and the saved optimizer state."""
import torch
import torch.nn.functional as F
from torch import nn

from wasm_mlp_numpy import parameters, read_model


class Normalize(nn.Module):
    """x' = (x - offset) / scale: the model's stored normalisation, as predict applies it."""

    def __init__(self, offset, scale):
        super().__init__()
        self.register_buffer("offset", torch.tensor(offset, dtype=torch.float64))
        self.register_buffer("scale", torch.tensor(scale, dtype=torch.float64))

    def forward(self, x):
        return (x - self.offset) / self.scale


def activation_module(name, alpha):
    if name == "sigmoid":
        return nn.Sigmoid()
    if name == "tanh":
        return nn.Tanh()
    if name == "relu":
        return nn.ReLU()
    if name == "leaky-relu":
        return nn.LeakyReLU(negative_slope=alpha)
    if name == "linear":
        return nn.Identity()
    if name == "softmax":
        return nn.Softmax(dim=-1)
    raise ValueError(f"unknown activation {name!r}")


def load_model(source):
    """(nn.Sequential, model dict) from a model file or its JSON: [Normalize,] then per layer
    nn.Linear (weight = the file's out x in matrix) and its activation. net(x) is predict(x)."""
    model = read_model(source)
    modules = []
    if model["normalization"] is not None:
        modules.append(Normalize(model["normalization"]["offset"], model["normalization"]["scale"]))
    for (w, b), name in zip(parameters(model), model["activations"]):
        linear = nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w))
            linear.bias.copy_(torch.from_numpy(b))
        modules += [linear, activation_module(name, model["alpha"])]
    return nn.Sequential(*modules), model


def training_objective(net, loss):
    """(forward, objective): the objective of forward(x) and the targets whose gradient is
    wasm-mlp's output delta, per sample, averaged over the batch. The classification losses
    train on the logits (net without its final Sigmoid or Softmax): their delta is a - y."""
    if loss == "mse":
        return net, lambda a, y: 0.5 * ((a - y) ** 2).sum(dim=1).mean()
    logits = net[:-1]
    if loss == "binary-cross-entropy":
        return logits, lambda z, y: F.binary_cross_entropy_with_logits(z, y, reduction="sum") / len(y)
    if loss == "cross-entropy":
        # Probability (one-hot) targets; the mean over the batch.
        return logits, lambda z, y: F.cross_entropy(z, y)
    raise ValueError(f"unknown loss {loss!r}")


def reported_loss(net, loss, x, y):
    """The loss wasm-mlp reports (the history's loss, evaluate's): the mean over the samples of
    the per-sample mean squared error, mean clamped binary cross-entropy, or cross-entropy."""
    with torch.no_grad():
        if loss == "mse":
            return F.mse_loss(net(x), y).item()
        if loss == "binary-cross-entropy":
            return F.binary_cross_entropy(net(x), y).item()
        return F.cross_entropy(net[:-1](x), y).item()


def linear_layers(net):
    return [m for m in net if isinstance(m, nn.Linear)]


def make_optimizer(net, optimizer="sgd", learning_rate=0.1, momentum=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8, weight_decay=0.0):
    """wasm-mlp's optimizer: weight decay (added to the gradient, L2) on the weights only."""
    layers = linear_layers(net)
    groups = [
        {"params": [m.weight for m in layers], "weight_decay": weight_decay},
        {"params": [m.bias for m in layers], "weight_decay": 0.0},
    ]
    if optimizer == "sgd":
        return torch.optim.SGD(groups, lr=learning_rate)
    if optimizer == "momentum":
        return torch.optim.SGD(groups, lr=learning_rate, momentum=momentum)
    if optimizer == "adam":
        return torch.optim.Adam(groups, lr=learning_rate, betas=(beta1, beta2), eps=epsilon)
    raise ValueError(f"unknown optimizer {optimizer!r}")


def load_optimizer_state(opt, net, model):
    """A model saved with includeOptimizer: its momentum buffer, or Adam's moments and step,
    put into `opt` (state1 and state2 hold W_1, b_1, W_2, b_2, ... one after the other)."""
    training = model.get("training")
    if training is None or training["optimizer"] == "sgd":
        return
    at = 0
    for layer in linear_layers(net):
        for p in (layer.weight, layer.bias):
            n = p.numel()
            first = torch.tensor(training["state1"][at : at + n], dtype=torch.float64).reshape(p.shape)
            second = torch.tensor(training["state2"][at : at + n], dtype=torch.float64).reshape(p.shape)
            at += n
            if training["optimizer"] == "momentum":
                opt.state[p]["momentum_buffer"] = first
            else:
                opt.state[p].update(step=torch.tensor(float(training["step"])), exp_avg=first, exp_avg_sq=second)
