"""Correct, written from scratch against the README's API, not from scratch.grown: a network
as a list of layers walked forward and then backward, each layer keeping no state between
calls; torch's numerics for the loss (each log clamped at -100, the 1e-12 floor under
dL/dyhat); the batch handled by promoting a sample to a batch of one and back."""

from dataclasses import dataclass

import numpy as np


def _floats(name, a):
    if not isinstance(a, np.ndarray) or a.dtype.kind != "f":
        raise TypeError(f"{name} must be a floating-point numpy array")
    if not np.isfinite(a).all():
        raise ValueError(f"{name} has NaN or inf")
    return a


def _rows(x, width):
    """x as a batch (rows), and whether it was one sample."""
    _floats("x", x)
    if x.ndim not in (1, 2) or x.shape[-1] != width:
        raise ValueError(f"x has shape {x.shape}; expected ({width},) or (batch, {width})")
    return np.atleast_2d(x), x.ndim == 1


@dataclass
class Grads:
    output_wrt_weight: np.ndarray = None
    output_wrt_bias: np.ndarray = None
    output_wrt_x: np.ndarray = None
    output_wrt_yhat: np.ndarray = None


class Linear:
    def __init__(self, in_features, out_features):
        self.in_features, self.out_features = in_features, out_features
        self.weight = np.random.randn(out_features, in_features).astype(np.float32)
        self.bias = np.random.randn(out_features).astype(np.float32)

    def forward(self, x):
        rows, single = _rows(x, self.in_features)
        z = np.einsum("oi,bi->bo", self.weight, rows) + self.bias
        return z[0] if single else z

    def backward(self, x):
        _rows(x, self.in_features)
        return Grads(
            output_wrt_weight=x, output_wrt_bias=np.ones_like(self.bias), output_wrt_x=self.weight
        )


class Sigmoid:
    def forward(self, x):
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-_floats("x", x)))

    def backward(self, x):
        s = self.forward(x)
        return Grads(output_wrt_x=s * (1 - s))


class ReLU:
    def forward(self, x):
        return np.where(_floats("x", x) > 0, x, np.zeros_like(x))

    def backward(self, x):
        return Grads(output_wrt_x=np.where(_floats("x", x) > 0, 1, 0).astype(x.dtype))


class Tanh:
    def forward(self, x):
        return np.tanh(_floats("x", x))

    def backward(self, x):
        t = self.forward(x)
        return Grads(output_wrt_x=1 - t * t)


class BinaryCrossEntropyLoss:
    def __init__(self, reduction="sum"):
        if reduction not in ("sum", "mean"):
            raise ValueError(f"unknown reduction {reduction!r}")
        self.reduction = reduction

    def _check(self, yhat, y):
        _floats("yhat", yhat), _floats("y", y)
        if yhat.shape != y.shape:
            raise ValueError(f"yhat {yhat.shape} and y {y.shape} differ in shape")
        if ((yhat < 0) | (yhat > 1)).any() or ((y < 0) | (y > 1)).any():
            raise ValueError("yhat and y must lie in [0, 1]")

    def forward(self, yhat, y):
        self._check(yhat, y)
        with np.errstate(divide="ignore"):
            log_p, log_q = np.log(yhat), np.log1p(-yhat)
        return -(y * np.maximum(log_p, -100) + (1 - y) * np.maximum(log_q, -100))

    def backwards(self, yhat, y):
        self._check(yhat, y)
        floor = np.asarray(np.float32(1e-12), yhat.dtype)
        grad = (yhat - y) / np.maximum((1 - yhat) * yhat, floor)
        return Grads(output_wrt_yhat=grad / yhat.size if self.reduction == "mean" else grad)


class _Network:
    """forward through self.layers; backward from the loss, every gradient before any step."""

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def forward_loss(self, x, y):
        loss = self.loss.forward(self.forward(x), y)
        return loss.mean() if self.loss.reduction == "mean" else loss.sum()

    def update_weights(self, x, y, lr):
        if not (np.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr}")
        inputs = []
        for layer in self.layers:
            inputs.append(x)
            x = layer.forward(x)
        g = np.atleast_2d(self.loss.backwards(x, y).output_wrt_yhat)
        steps = []
        for layer, a in zip(reversed(self.layers), reversed(inputs), strict=True):
            if isinstance(layer, Linear):
                rows = np.atleast_2d(a)
                steps.append((layer, g.T @ rows, g.sum(axis=0)))
                g = g @ layer.weight
            else:
                g = g * np.atleast_2d(layer.backward(a).output_wrt_x)
        for layer, grad_w, grad_b in steps:
            layer.weight = layer.weight - lr * grad_w
            layer.bias = layer.bias - lr * grad_b


class MyNetwork(_Network):
    def __init__(self, in_features, out_features):
        self.linear1 = Linear(in_features, out_features)
        self.sigmoid = Sigmoid()
        self.loss = BinaryCrossEntropyLoss()

    @property
    def layers(self):
        return [self.linear1, self.sigmoid]


class TwoLayerNetwork(_Network):
    def __init__(
        self, in_features, hidden_features, out_features, activation="relu", reduction="sum"
    ):
        kinds = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
        if activation not in kinds:
            raise ValueError(f"unknown activation {activation!r}")
        self.linear1 = Linear(in_features, hidden_features)
        self.activation = kinds[activation]()
        self.linear2 = Linear(hidden_features, out_features)
        self.sigmoid = Sigmoid()
        self.loss = BinaryCrossEntropyLoss(reduction)

    @property
    def layers(self):
        return [self.linear1, self.activation, self.linear2, self.sigmoid]
