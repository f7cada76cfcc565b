"""The tutorial's API with numerics that match torch at every edge, and a fused training step.

Beside ``scratch.tutorial``, not over it. What differs, and why (see the divergence register):
- the loss clamps each log term at -100 before weighting it, and uses ``log1p(-yhat)``;
- dL/dyhat divides by ``max((1 - yhat) * yhat, 1e-12)``, torch's floor;
- the sigmoid is torch's ``1 / (1 + exp(-x))`` with no warning and no NaN: where ``exp(-x)``
  overflows to inf the output is exactly 0, as torch's is; its gradient is ``y * (1 - y)``
  from the output, never NaN, and exactly 0 where the output rounds to 0 or 1;
- ``MyNetwork.train_step`` does one forward pass, returns the loss before the update and
  updates the weights in place.

The grown derivation (``scratch.grown``: mini-batches, ``ReLU``, ``Tanh``, the mean
reduction, ``TwoLayerNetwork``) with the same numerics: ReLU and Tanh are already torch's
(``x > 0`` gives torch's 0 at 0; 1 - tanh^2 is torch's backward), the mean divides torch's
per-element gradient by the number of elements, as torch does.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from scipy.linalg import blas

# Linear, ReLU and Tanh are already exact, or torch's: shared as they are.
from scratch import grown
from scratch.checks import check_array, check_features, check_lr, check_probabilities
from scratch.grown import (
    BinaryCrossEntropyLossPartials,
    Linear,
    LinearPartials,
    ReLU,
    SigmoidPartials,
    Tanh,
    check_reduction,
)

__all__ = [
    "BinaryCrossEntropyLoss",
    "BinaryCrossEntropyLossPartials",
    "Linear",
    "LinearPartials",
    "MyNetwork",
    "ReLU",
    "Sigmoid",
    "SigmoidPartials",
    "Tanh",
    "TwoLayerNetwork",
]

LOG_FLOOR = -100.0
# torch's EPSILON is a C float: in float64 it is float32(1e-12), 9.99999996e-13.
GRAD_EPSILON = float(np.float32(1e-12))
# dtype -> (gemv, ger): train_step's matrix-vector product and rank-1 update.
_BLAS = {
    np.dtype(np.float32): (blas.sgemv, blas.sger),
    np.dtype(np.float64): (blas.dgemv, blas.dger),
}


def _bce(yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):  # log(0) = -inf is clamped on the next line
        log_yhat = np.maximum(np.log(yhat), LOG_FLOOR)
        log_one_minus = np.maximum(np.log1p(-yhat), LOG_FLOOR)
    # torch's order: (y - 1) * log(1 - yhat) - y * log(yhat)
    return (y - 1) * log_one_minus - y * log_yhat


def _bce_grad(yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (yhat - y) / np.maximum((1 - yhat) * yhat, GRAD_EPSILON)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exp(-x) = inf for very negative x gives 1 / inf = 0: torch's value, not an error.
    # (The cancellation-free e / (1 + e) form would return 3.7e-44 at x = -100 in float32
    # where torch returns 0, and the loss would part from torch's by 0.017.)
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


class BinaryCrossEntropyLoss:
    def __init__(self, reduction: str = "sum") -> None:
        self.reduction = check_reduction(reduction)

    def forward(self, yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
        check_probabilities(yhat, y)
        return _bce(yhat, y)

    def reduce(self, loss: np.ndarray) -> np.floating:
        return loss.sum() if self.reduction == "sum" else loss.mean()

    def backward(self, yhat: np.ndarray, y: np.ndarray) -> BinaryCrossEntropyLossPartials:
        check_probabilities(yhat, y)
        grad = _bce_grad(yhat, y)
        return BinaryCrossEntropyLossPartials(grad if self.reduction == "sum" else grad / yhat.size)

    backwards = backward  # the tutorial's spelling


class Sigmoid:
    def forward(self, x: np.ndarray) -> np.ndarray:
        check_array("x", x)
        return _sigmoid(x)

    def backward(self, x: np.ndarray) -> SigmoidPartials:
        check_array("x", x)
        y = _sigmoid(x)
        return SigmoidPartials(y * (1 - y))


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
        """The tutorial's chain, layer by layer (train_step is the fused form of this); a
        mini-batch's gradients summed over it."""
        lr = check_lr(lr)
        z = self.linear1.forward(x)
        loss_wrt_linear1 = (
            self.loss.backward(self.sigmoid.forward(z), y).output_wrt_yhat
            * self.sigmoid.backward(z).output_wrt_x
        )
        partials = self.linear1.backward(x)
        self.linear1.weight = self.linear1.weight - lr * grown.weight_gradient(
            loss_wrt_linear1, partials.output_wrt_weight
        )
        self.linear1.bias = self.linear1.bias - lr * grown.bias_gradient(
            loss_wrt_linear1, partials.output_wrt_bias
        )

    def train_step(self, x: np.ndarray, y: np.ndarray, lr: float) -> np.floating:
        """forward_loss then update_weights in one pass; returns the loss before the update.

        The same formulas as the layers above, in the fewest calls: each NumPy call costs about
        half a microsecond on a 3x4 layer, and at 1024x1024 every pass over W counts. Bad input
        is caught by cheap checks (attributes, one reduction), then named by the full checks.
        """
        linear = self.linear1
        weight, bias = linear.weight, linear.bias
        if not (type(x) is np.ndarray and x.dtype.kind == "f" and x.shape == (linear.in_features,)):
            check_features("x", x, linear.in_features)
        if not (type(y) is np.ndarray and y.dtype.kind == "f" and y.shape == bias.shape):
            check_probabilities(np.zeros_like(bias), y)  # names what is wrong with y
        if not (type(lr) is float and 0.0 < lr < math.inf):
            lr = check_lr(lr)
        # BLAS straight from SciPy: gemv for z, ger for the rank-1 update of W in place (one
        # pass; NumPy has no ger, and its outer product costs a temporary the size of W). Both
        # from one BLAS: NumPy's and SciPy's OpenBLAS thread pools, interleaved, fight for the
        # cores (8 ms a step at 1024x1024 instead of 0.07).
        blas_pair = _BLAS.get(weight.dtype) if x.dtype == weight.dtype else None
        if blas_pair is None or not weight.flags.c_contiguous:
            blas_pair = None
            z = weight @ x
        else:
            z = blas_pair[0](1.0, weight.T, x, trans=1)  # W.T is W's memory in Fortran order
        z += bias
        with np.errstate(all="ignore"):  # exp(-z) = inf and log(0) give torch's values
            # NaN or inf in x makes the sum of z non-finite; y outside [0, 1], or NaN, fails.
            if not (math.isfinite(np.add.reduce(z)) and 0 <= y.min() and y.max() <= 1):
                check_features("x", x, linear.in_features)
                check_probabilities(np.zeros_like(bias), y)
            yhat = np.negative(z, out=z)
            np.exp(yhat, out=yhat)
            yhat += 1
            np.divide(1, yhat, out=yhat)
            log_yhat = np.log(yhat)
            log_one_minus = np.log1p(np.negative(yhat))
        np.maximum(log_yhat, LOG_FLOOR, out=log_yhat)
        np.maximum(log_one_minus, LOG_FLOOR, out=log_one_minus)
        # sum((y - 1) * L0 - y * L1) as y . (L0 - L1) - sum(L0): three calls instead of five.
        log_one_minus_sum = np.add.reduce(log_one_minus)
        log_one_minus -= log_yhat
        loss = np.dot(y, log_one_minus) - log_one_minus_sum
        # dL/dz = (yhat - y) / max(p, eps) * p with p = (1 - yhat) * yhat, torch's factors.
        p = np.subtract(1, yhat)
        p *= yhat
        dl_dz = np.subtract(yhat, y)
        dl_dz /= np.maximum(p, GRAD_EPSILON)
        dl_dz *= p
        if blas_pair is None:
            weight -= lr * np.multiply.outer(dl_dz, x)
        else:
            blas_pair[1](-lr, x, dl_dz, a=weight.T, overwrite_a=True)
        dl_dz *= -lr
        bias += dl_dz
        return loss


class TwoLayerNetwork(grown.TwoLayerNetwork):
    """``scratch.grown``'s two-layer network, made of this module's Sigmoid and loss."""

    activations: ClassVar[dict[str, type[Any]]] = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
    output_class = Sigmoid
    loss_class = BinaryCrossEntropyLoss
