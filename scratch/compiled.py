"""The tutorial's API with torch's numerics, compiled with numba (nopython mode).

The same classes, attributes and partials as ``scratch.stable`` (each log term clamped at
-100 before it is weighted, ``log1p(-yhat)``, the 1e-12 floor under dL/dyhat, the sigmoid's
gradient as ``s * (1 - s)``), with the arithmetic in compiled loops:

- ``MyNetwork.train_step(x, y, lr)``: one sample's step, the loss before the update returned,
  the weights updated in place;
- ``MyNetwork.train_epoch(X, Y, lr)``: the tutorial's per-sample loop over every row of ``X``
  inside compiled code, the weights updated in place; returns each sample's loss (before its
  update).

Every kernel computes in its arrays' dtype (a float64 constant would lift float32 arithmetic to
float64, and sigma(-100) would survive as a float32 subnormal where torch's is 0). Compiled code
is cached on disk (``cache=True``): the first call of a session compiles or loads it.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from scratch.checks import check_array, check_features, check_lr, check_probabilities
from scratch.tutorial import (
    BinaryCrossEntropyLossPartials,
    Linear,
    LinearPartials,
    SigmoidPartials,
)

__all__ = [
    "BinaryCrossEntropyLoss",
    "BinaryCrossEntropyLossPartials",
    "Linear",
    "LinearPartials",
    "MyNetwork",
    "Sigmoid",
    "SigmoidPartials",
]

LOG_FLOOR = -100.0
# torch's EPSILON is a C float: in float64 it is float32(1e-12), 9.99999996e-13.
GRAD_EPSILON = float(np.float32(1e-12))


@numba.njit(cache=True)
def _consts(a, lr=0.0):
    """1, -100, the floor, -lr and -inf in the dtype of ``a``."""
    c = np.empty(5, a.dtype)
    c[0], c[1], c[2], c[3], c[4] = 1.0, LOG_FLOOR, GRAD_EPSILON, -lr, -np.inf
    return c[0], c[1], c[2], c[3], c[4]


@numba.njit(cache=True)
def _sigmoid(z):
    one = _consts(z)[0]
    out = np.empty_like(z)
    for i in range(z.size):
        out[i] = one / (one + math.exp(-z[i]))
    return out


@numba.njit(cache=True)
def _sigmoid_grad(z):
    s = _sigmoid(z)
    one = _consts(z)[0]
    return s * (one - s)


@numba.njit(cache=True)
def _bce(yhat, y):
    one, floor, _, _, ninf = _consts(yhat)
    out = np.empty_like(yhat)
    for i in range(yhat.size):
        log_p = max(math.log(yhat[i]) if yhat[i] > 0 else ninf, floor)
        log_q = max(math.log1p(-yhat[i]) if yhat[i] < one else ninf, floor)
        out[i] = (y[i] - one) * log_q - y[i] * log_p
    return out


@numba.njit(cache=True)
def _bce_grad(yhat, y):
    one, _, eps, _, _ = _consts(yhat)
    out = np.empty_like(yhat)
    for i in range(yhat.size):
        out[i] = (yhat[i] - y[i]) / max((one - yhat[i]) * yhat[i], eps)
    return out


# Reassociation and fused multiply-adds let the dot product and the rank-1 update use SIMD, as
# BLAS does (the sums' rounding changes within the tolerance table, never NaN or inf handling).
FASTMATH = {"reassoc", "contract"}


@numba.njit(cache=True, fastmath=FASTMATH, inline="always")
def _row(weight, bias, x, y, i, one, floor, eps, step, ninf):
    """Output i of one sample: its loss term; W's row i and b[i] updated in place."""
    z = bias[i]
    for j in range(weight.shape[1]):
        z += weight[i, j] * x[j]
    s = one / (one + math.exp(-z))
    log_p = max(math.log(s) if s > 0 else ninf, floor)
    log_q = max(math.log1p(-s) if s < one else ninf, floor)
    p = (one - s) * s
    g = (s - y[i]) / max(p, eps) * p * step
    for j in range(weight.shape[1]):
        weight[i, j] += g * x[j]
    bias[i] += g
    return (y[i] - one) * log_q - y[i] * log_p


@numba.njit(cache=True, fastmath=FASTMATH)
def _step(weight, bias, x, y, lr):
    """One sample: the loss before the update; W and b updated in place (torch's numerics)."""
    one, floor, eps, step, ninf = _consts(bias, lr)
    loss = one - one
    for i in range(weight.shape[0]):
        loss += _row(weight, bias, x, y, i, one, floor, eps, step, ninf)
    return loss


@numba.njit(cache=True, fastmath=FASTMATH, parallel=True)
def _step_parallel(weight, bias, x, y, lr):
    """_step with its rows (independent: each output's update needs only its own z) shared
    among the cores, for layers large enough to pay for the threads."""
    one, floor, eps, step, ninf = _consts(bias, lr)
    loss = one - one
    for i in numba.prange(weight.shape[0]):
        loss += _row(weight, bias, x, y, i, one, floor, eps, step, ninf)
    return loss


# From this many weights a step shares its rows among the cores. Measured on two cores: 32x32
# 2.1 µs alone, 3.1 µs shared; 64x64 5.2 against 3.3; 1024x1024 233 against 102.
PARALLEL_FROM = 64 * 64


@numba.njit(cache=True)
def _valid(x, y):
    """x finite and y in [0, 1] (NaN in neither): the checks a fast call still needs."""
    for v in x.flat:
        if not math.isfinite(v):
            return False
    for v in y.flat:
        if not 0 <= v <= 1:
            return False
    return True


@numba.njit(cache=True)
def _epoch(weight, bias, xs, ys, lr):
    losses = np.empty(xs.shape[0], bias.dtype)
    for n in range(xs.shape[0]):
        losses[n] = _step(weight, bias, xs[n], ys[n], lr)
    return losses


def _flat(kernel, a: np.ndarray, *more: np.ndarray) -> np.ndarray:
    """A kernel of 1-D arrays applied to arrays of any shape, in the dtype of ``a``."""
    flat = [np.ascontiguousarray(v, a.dtype).reshape(-1) for v in (a, *more)]
    return kernel(*flat).reshape(a.shape)


class BinaryCrossEntropyLoss:
    def forward(self, yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
        check_probabilities(yhat, y)
        return _flat(_bce, yhat, y)

    def backward(self, yhat: np.ndarray, y: np.ndarray) -> BinaryCrossEntropyLossPartials:
        check_probabilities(yhat, y)
        return BinaryCrossEntropyLossPartials(_flat(_bce_grad, yhat, y))

    backwards = backward  # the tutorial's spelling


class Sigmoid:
    def forward(self, x: np.ndarray) -> np.ndarray:
        check_array("x", x)
        return _flat(_sigmoid, x)

    def backward(self, x: np.ndarray) -> SigmoidPartials:
        check_array("x", x)
        return SigmoidPartials(_flat(_sigmoid_grad, x))


class MyNetwork:
    def __init__(self, in_features: int, out_features: int) -> None:
        self.in_features = in_features
        self.out_features = out_features
        self.linear1 = Linear(in_features, out_features)
        self.sigmoid = Sigmoid()
        self.loss = BinaryCrossEntropyLoss()

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self.sigmoid.forward(self.linear1.forward(x))

    def forward_loss(self, x: np.ndarray, y: np.ndarray) -> np.floating:
        return self.loss.forward(self.forward(x), y).sum()

    def update_weights(self, x: np.ndarray, y: np.ndarray, lr: float) -> None:
        self.train_step(x, y, lr)

    def _ready(self) -> tuple[np.ndarray, np.ndarray]:
        """W and b as the kernels take them: C-contiguous arrays of one float dtype (a copy
        only where the caller set them otherwise)."""
        linear = self.linear1
        weight, bias = np.asarray(linear.weight), np.asarray(linear.bias)
        if weight.dtype != bias.dtype or not weight.flags.c_contiguous:
            dtype = np.result_type(weight, bias)
            weight, bias = np.ascontiguousarray(weight, dtype), np.ascontiguousarray(bias, dtype)
        linear.weight, linear.bias = weight, bias
        return weight, bias

    def train_step(self, x: np.ndarray, y: np.ndarray, lr: float) -> np.floating:
        """forward_loss then update_weights in one compiled pass; returns the loss before the
        update; W and b are updated in place. Inputs of the weights' dtype and shape, finite,
        with labels in [0, 1], go straight to the kernel; anything else first meets the full
        checks, which name what is wrong."""
        weight, bias = self.linear1.weight, self.linear1.bias
        fast = (
            type(x) is np.ndarray
            and type(y) is np.ndarray
            and type(lr) is float
            and 0.0 < lr < math.inf
            and x.shape == (self.in_features,)
            and y.shape == (self.out_features,)
            and x.dtype == y.dtype == weight.dtype == bias.dtype
            and weight.flags.c_contiguous
            and _valid(x, y)
        )
        if not fast:
            check_features("x", x, self.in_features)
            weight, bias = self._ready()
            check_probabilities(np.zeros_like(bias), y)
            lr = check_lr(lr)
            x, y = x.astype(bias.dtype), y.astype(bias.dtype)
        kernel = _step_parallel if weight.size >= PARALLEL_FROM else _step
        return bias.dtype.type(kernel(weight, bias, x, y, lr))

    def train_epoch(self, X: np.ndarray, Y: np.ndarray, lr: float) -> np.ndarray:
        """The per-sample loop over the rows of X (and Y) in compiled code; returns each
        sample's loss before its update; W and b are updated in place."""
        weight, bias = self.linear1.weight, self.linear1.bias
        fast = (
            type(X) is np.ndarray
            and type(Y) is np.ndarray
            and type(lr) is float
            and 0.0 < lr < math.inf
            and X.ndim == Y.ndim == 2
            and X.shape == (X.shape[0], self.in_features)
            and Y.shape == (X.shape[0], self.out_features)
            and X.dtype == Y.dtype == weight.dtype == bias.dtype
            and X.flags.c_contiguous
            and Y.flags.c_contiguous
            and weight.flags.c_contiguous
            and _valid(X, Y)
        )
        if fast:
            return _epoch(weight, bias, X, Y, lr)
        X = check_array("X", X, ndim=2)
        Y = check_array("Y", Y, ndim=2)
        if X.shape != (X.shape[0], self.in_features) or Y.shape != (X.shape[0], self.out_features):
            raise ValueError(
                f"Shape error: X {X.shape} and Y {Y.shape}, expected (n, {self.in_features}) "
                f"and (n, {self.out_features})"
            )
        weight, bias = self._ready()
        check_probabilities(np.zeros_like(Y), Y)
        lr = check_lr(lr)
        xs, ys = np.ascontiguousarray(X, bias.dtype), np.ascontiguousarray(Y, bias.dtype)
        return _epoch(weight, bias, xs, ys, lr)
