"""The tutorial's API with numerics that match torch at every edge, and a fused training step.

Beside ``scratch.tutorial``, not over it. What differs, and why (see the divergence register):
- the loss clamps each log term at -100 before weighting it, and uses ``log1p(-yhat)``;
- dL/dyhat divides by ``max((1 - yhat) * yhat, 1e-12)``, torch's floor;
- the sigmoid is torch's ``1 / (1 + exp(-x))`` with no warning and no NaN: where ``exp(-x)``
  overflows to inf the output is exactly 0, as torch's is; its gradient is ``y * (1 - y)``
  from the output, never NaN, and exactly 0 where the output rounds to 0 or 1;
- ``MyNetwork.train_step`` does one forward pass, returns the loss before the update and
  updates the weights in place.
"""

from __future__ import annotations

import numpy as np

from scratch.checks import check_array, check_features, check_lr, check_probabilities
from scratch.tutorial import BinaryCrossEntropyLossPartials, LinearPartials, SigmoidPartials

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
    def forward(self, yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
        check_probabilities(yhat, y)
        return _bce(yhat, y)

    def backward(self, yhat: np.ndarray, y: np.ndarray) -> BinaryCrossEntropyLossPartials:
        check_probabilities(yhat, y)
        return BinaryCrossEntropyLossPartials(_bce_grad(yhat, y))

    backwards = backward  # the tutorial's spelling


class Linear:
    def __init__(self, in_features: int, out_features: int) -> None:
        self.in_features = in_features
        self.out_features = out_features
        self.weight: np.ndarray = np.random.randn(out_features, in_features).astype(np.float32)
        self.bias: np.ndarray = np.random.randn(out_features).astype(np.float32)

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_features("x", x, self.in_features)
        return self.weight @ x + self.bias

    def backward(self, x: np.ndarray) -> LinearPartials:
        check_features("x", x, self.in_features)
        return LinearPartials(x, np.ones_like(self.bias))


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
        """The tutorial's chain, layer by layer (train_step is the fused form of this)."""
        lr = check_lr(lr)
        z = self.linear1.forward(x)
        loss_wrt_linear1 = (
            self.loss.backward(self.sigmoid.forward(z), y).output_wrt_yhat
            * self.sigmoid.backward(z).output_wrt_x
        )
        partials = self.linear1.backward(x)
        self.linear1.weight = self.linear1.weight - lr * np.outer(
            loss_wrt_linear1, partials.output_wrt_weight
        )
        self.linear1.bias = self.linear1.bias - lr * loss_wrt_linear1 * partials.output_wrt_bias

    def train_step(self, x: np.ndarray, y: np.ndarray, lr: float) -> np.floating:
        """forward_loss then update_weights in one pass; returns the loss before the update."""
        lr = check_lr(lr)
        linear = self.linear1
        check_features("x", x, linear.in_features)
        check_array("y", y)
        weight, bias = linear.weight, linear.bias
        yhat = _sigmoid(weight @ x + bias)
        check_probabilities(yhat, y)
        loss = _bce(yhat, y).sum()
        # dL/dz = dL/dyhat * dyhat/dz, with dyhat/dz = yhat * (1 - yhat) from the output.
        one_minus = 1 - yhat
        dl_dz = (yhat - y) / np.maximum(one_minus * yhat, GRAD_EPSILON) * (yhat * one_minus)
        dl_dz *= -lr
        # In place: W += -lr * outer(dL/dz, x); b += -lr * dL/dz.
        weight += np.multiply.outer(dl_dz, x).astype(weight.dtype, copy=False)
        bias += dl_dz.astype(bias.dtype, copy=False)
        return loss
