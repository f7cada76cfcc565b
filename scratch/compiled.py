"""The tutorial's API with torch's numerics, compiled with numba (nopython mode).

The same classes, attributes and partials as ``scratch.stable`` (each log term clamped at
-100 before it is weighted, ``log1p(-yhat)``, the 1e-12 floor under dL/dyhat, the sigmoid's
gradient as ``s * (1 - s)``), with the arithmetic in compiled loops; the fused step below
takes dL/dz as s - y wherever the floor does not bite (_dl_dz):

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
from typing import Any

import numba
import numpy as np
from numba.extending import overload

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

# Which exp and log ran, for the benchmarks' extra_info: numba calls the C library's exp an
# element at a time inside the loop; the logs, on no weight's dependency chain, run after it
# in NumPy's SIMD loops (reference.checks hold both to torch's tolerance).
TRANSCENDENTALS = "exp: libm via numba, in the loop; log, log1p: NumPy's SIMD, after it"
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


def count(n):
    """A layer's number of outputs or inputs as the epoch kernels take it: an int, known at
    run time, or a tuple of that length, whose length is part of its type (see loop_shape)."""
    return n if isinstance(n, int) else len(n)


@overload(count)
def _count(n):
    if isinstance(n, numba.types.BaseTuple):
        length = len(n)
        return lambda n: length
    return lambda n: n


# Layers of up to this many weights run an epoch compiled for their shape: with the numbers
# of outputs and inputs known when it compiles, LLVM unrolls the loops over them, and no loop
# control or remainder loop is left on each sample's chain (the weights still pass through
# memory: held in registers instead, they gained nothing). Measured on two cores (AMD EPYC,
# float32, ns a sample, the shaped loop against the loop for any shape): 3x4 27 against 68,
# 8x8 55 against 93, 12x12 111 against 145, but 16x16 175 against 140 (too long unrolled).
# Each shape and dtype compiles once (0.2 to 0.4 s), then loads from the disk cache.
SHAPED_UP_TO = 144


def loop_shape(weight: np.ndarray) -> tuple[Any, Any]:
    """The layer's numbers of outputs and inputs as the epoch kernels take them (count):
    for a small layer tuples of those lengths, so that each shape compiles its own loop."""
    n_out, n_in = weight.shape
    if weight.size <= SHAPED_UP_TO:
        return (0,) * n_out, (0,) * n_in
    return n_out, n_in


@numba.njit(cache=True, fastmath=FASTMATH, inline="always")
def _dl_dz(s, y, one, eps):
    """torch's dL/dz, (s - y) / max(p, eps) * p with p = s (1 - s): where p >= eps (every
    sigmoid but a saturated one) that is s - y itself, so no division waits on the chain
    (torch's divides by p and multiplies by it again, an ulp or so from s - y)."""
    p = (one - s) * s
    return s - y if p >= eps else (s - y) / eps * p


@numba.njit(cache=True, fastmath=FASTMATH, inline="always")
def _sample(weight, bias, xs, ys, ss, k, one, eps, step, n_out, n_in):
    """Sample ``k`` (row k of xs and ys): each output's sigmoid into row k of ``ss`` (before
    the update), W and b updated in place. Every output's z and sigmoid first, then every
    row's update: the outputs' chains overlap (a row's z, exp and update one after the other
    take three times as long on the tutorial's 3x4). Rows indexed in place, never sliced: a
    view a sample costs a quarter of the loop. The loss's logs are on no weight's dependency
    chain: _losses takes them from ``ss`` afterwards, for every sample at once."""
    for i in range(n_out):
        z = bias[i]
        for j in range(n_in):
            z += weight[i, j] * xs[k, j]
        ss[k, i] = one / (one + math.exp(-z))
    for i in range(n_out):
        g = _dl_dz(ss[k, i], ys[k, i], one, eps) * step
        for j in range(n_in):
            weight[i, j] += g * xs[k, j]
        bias[i] += g


@numba.njit(cache=True, fastmath=FASTMATH, parallel=True)
def _sample_parallel(weight, bias, xs, ys, ss, k, one, eps, step):
    """_sample for large layers: each row's z, sigmoid and update in one pass over W (the row
    still in cache), the rows (independent: each output's update needs only its own z) shared
    among the cores."""
    n_out, n_in = weight.shape
    for i in numba.prange(n_out):
        z = bias[i]
        for j in range(n_in):
            z += weight[i, j] * xs[k, j]
        s = one / (one + math.exp(-z))
        g = _dl_dz(s, ys[k, i], one, eps) * step
        for j in range(n_in):
            weight[i, j] += g * xs[k, j]
        bias[i] += g
        ss[k, i] = s


@numba.njit(cache=True)
def _consts3(bias, lr):
    one, _, eps, step, _ = _consts(bias, lr)
    return one, eps, step


@numba.njit(cache=True, fastmath=FASTMATH)
def _step(weight, bias, x, y, lr):
    """One sample: its loss before the update; W and b updated in place (torch's numerics)."""
    one, eps, step = _consts3(bias, lr)
    ss = np.empty((1, bias.shape[0]), bias.dtype)
    xs, ys = x.reshape(1, -1), y.reshape(1, -1)
    n_out, n_in = weight.shape
    _sample(weight, bias, xs, ys, ss, 0, one, eps, step, n_out, n_in)
    return _losses_here(ss, ys)[0]


# From this many weights a step shares its rows among the cores, where numba has more than one
# thread (on one core, prange is only its own overhead). Measured on two cores: 32x32 2.1 µs
# alone, 3.1 µs shared; 64x64 5.2 against 3.3; 1024x1024 233 against 102.
PARALLEL_FROM = 64 * 64
# Read once: numba.get_num_threads() costs about 7 µs a call, a 64x64 step's time.
THREADS: int = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]


def _shares_rows(weight: np.ndarray) -> bool:
    return weight.size >= PARALLEL_FROM and THREADS > 1


@numba.njit(cache=True)
def _valid(x, y):
    """x finite and y in [0, 1] (NaN in neither): the checks a fast call still needs. Flags
    OR-ed over every element, no early exit: SIMD, six times faster than a loop that
    returns at the first bad value (10,000 samples of 3x4: 4 against 24 µs)."""
    xf, yf = x.reshape(-1), y.reshape(-1)
    bad = np.int32(0)
    for i in range(xf.size):
        bad |= np.int32(not abs(xf[i]) < np.inf)
    for i in range(yf.size):
        bad |= np.int32(not yf[i] >= 0) | np.int32(not yf[i] <= 1)
    return bad == 0


@numba.njit(cache=True, fastmath=FASTMATH)
def _epoch(weight, bias, xs, ys, lr, logs_here, outs, ins):
    """The per-sample loop: each sample's sigmoids before its update, one row a sample, and
    (``logs_here``: a few samples) their losses, taken here; otherwise none (_losses).
    ``outs`` and ``ins``: the layer's shape (loop_shape)."""
    one, eps, step = _consts3(bias, lr)
    n_out, n_in = count(outs), count(ins)
    ss = np.empty((xs.shape[0], bias.shape[0]), bias.dtype)
    for n in range(xs.shape[0]):
        _sample(weight, bias, xs, ys, ss, n, one, eps, step, n_out, n_in)
    losses = _losses_here(ss, ys) if logs_here else np.empty(0, bias.dtype)
    return ss, losses


@numba.njit(cache=True)
def _epoch_parallel(weight, bias, xs, ys, lr, logs_here, outs, ins):
    one, eps, step = _consts3(bias, lr)
    ss = np.empty((xs.shape[0], bias.shape[0]), bias.dtype)
    for n in range(xs.shape[0]):
        _sample_parallel(weight, bias, xs, ys, ss, n, one, eps, step)
    losses = _losses_here(ss, ys) if logs_here else np.empty(0, bias.dtype)
    return ss, losses


@numba.njit(cache=True, fastmath=FASTMATH)
def _weighted(log_p, log_q, ys, outs):
    """Each row's loss from its logs, each clamped at -100: the sum of (y - 1) log q - y log p.
    log(0) = -inf gives -100, and so does a NaN (not above the floor), as torch's clamp.
    ``outs``: the number of outputs (loop_shape). The terms first, in one flat loop (SIMD:
    four times faster than the rows' short loops on the tutorial's 3x4), then each row's sum."""
    one, floor = _consts(log_p)[0], _consts(log_p)[1]
    lp, lq, y = log_p.reshape(-1), log_q.reshape(-1), ys.reshape(-1)
    terms = np.empty(lp.size, lp.dtype)
    for k in range(lp.size):
        a = lp[k] if lp[k] > floor else floor
        b = lq[k] if lq[k] > floor else floor
        terms[k] = (y[k] - one) * b - y[k] * a
    n_out = count(outs)
    out = np.empty(ys.shape[0], log_p.dtype)
    for n in range(ys.shape[0]):
        acc = one - one
        for i in range(n_out):
            acc += terms[n * n_out + i]
        out[n] = acc
    return out


@numba.njit(cache=True, fastmath=FASTMATH, inline="always")
def _losses_here(ss, ys):
    """Each row's loss from its sigmoids, in compiled code: for a few samples the C library's
    log and log1p an element at a time cost less than NumPy's calls would."""
    one, floor, _, _, ninf = _consts(ss)
    out = np.empty(ss.shape[0], ss.dtype)
    for n in range(ss.shape[0]):
        acc = one - one
        for i in range(ss.shape[1]):
            s = ss[n, i]
            log_p = max(math.log(s) if s > 0 else ninf, floor)
            log_q = max(math.log1p(-s) if s < one else ninf, floor)
            acc += (ys[n, i] - one) * log_q - ys[n, i] * log_p
        out[n] = acc
    return out


# From this many sigmoids an epoch's logs run in NumPy's SIMD loops (a call's cost, about
# 5 µs, against 12 ns a sample saved on the tutorial's 3x4).
VECTOR_LOGS_FROM = 1024


def _epoch_losses(
    kernel: Any, weight: np.ndarray, bias: np.ndarray, xs: np.ndarray, ys: np.ndarray, lr: float
) -> np.ndarray:
    """Each sample's loss before its update, the logs taken after the loop: for a few samples
    in the kernel's own call, for many in one vectorized pass (NumPy's SIMD log and log1p, in
    the sigmoids' dtype, which may round a log an ulp apart from the C library's)."""
    logs_here = xs.shape[0] * bias.shape[0] < VECTOR_LOGS_FROM
    outs, ins = loop_shape(weight)
    ss, losses = kernel(weight, bias, xs, ys, lr, logs_here, outs, ins)
    return losses if logs_here else _losses(ss, ys, outs)


def _losses(ss: np.ndarray, ys: np.ndarray, outs: Any) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.log(ss)
        log_q = np.negative(ss)
        np.log1p(log_q, out=log_q)
    return _weighted(log_p, log_q, ys.reshape(ss.shape), outs)


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
            and x.flags.c_contiguous
            and y.flags.c_contiguous
            and weight.flags.c_contiguous
            and _valid(x, y)
        )
        if not fast:
            check_features("x", x, self.in_features)
            weight, bias = self._ready()
            check_probabilities(np.zeros_like(bias), y)
            lr = check_lr(lr)
            x, y = np.ascontiguousarray(x, bias.dtype), np.ascontiguousarray(y, bias.dtype)
        if _shares_rows(weight):
            xs, ys = x.reshape(1, -1), y.reshape(1, -1)
            return bias.dtype.type(_epoch_losses(_epoch_parallel, weight, bias, xs, ys, lr)[0])
        return bias.dtype.type(_step(weight, bias, x, y, lr))

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
        kernel = _epoch_parallel if _shares_rows(weight) else _epoch
        if fast:
            return _epoch_losses(kernel, weight, bias, X, Y, lr)
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
        return _epoch_losses(kernel, weight, bias, xs, ys, lr)
