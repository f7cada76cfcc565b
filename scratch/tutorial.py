"""The tutorial's network, as it wrote it.

Every formula is the tutorial's, operation for operation and in its order, so that on valid
input each number equals what the tutorial's own code computes, bit for bit (a test checks
this against a verbatim copy). The changes are around the formulas, not in them:
- the bare ``assert`` domain checks raise ``ValueError``/``TypeError`` that name the problem;
- ``BinaryCrossEntropyLoss.backward`` joins the tutorial's ``backwards`` spelling;
- ``MyNetwork.forward``, promised by the tutorial's text but missing from its code, exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scratch.checks import check_array, check_features, check_lr, check_probabilities


@dataclass
class BinaryCrossEntropyLossPartials:
    output_wrt_yhat: np.ndarray


class BinaryCrossEntropyLoss:
    def forward(self, yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
        check_probabilities(yhat, y)
        # We drop the 1/len(yhat) factor to make the loss the same as torch's BCE loss
        loss = -(y * np.log(yhat) + (1 - y) * np.log(1 - yhat))
        # clamp the loss entries to at most 100 to avoid nan (and like torch's BCE loss)
        loss = np.clip(loss, -100, 100)
        return loss

    def backwards(self, yhat: np.ndarray, y: np.ndarray) -> BinaryCrossEntropyLossPartials:
        check_probabilities(yhat, y)
        output_wrt_yhat = (yhat - y) / (yhat - yhat**2)

        return BinaryCrossEntropyLossPartials(output_wrt_yhat)

    def backward(self, yhat: np.ndarray, y: np.ndarray) -> BinaryCrossEntropyLossPartials:
        """The same as ``backwards``, under the name the other layers use."""
        return self.backwards(yhat, y)


@dataclass
class LinearPartials:
    output_wrt_weight: np.ndarray
    output_wrt_bias: np.ndarray


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
        output_wrt_weight = x
        output_wrt_bias = np.ones_like(self.bias)
        return LinearPartials(output_wrt_weight, output_wrt_bias)


@dataclass
class SigmoidPartials:
    output_wrt_x: np.ndarray


class Sigmoid:
    def forward(self, x: np.ndarray) -> np.ndarray:
        check_array("x", x)
        return 1 / (1 + np.exp(-x))

    def backward(self, x: np.ndarray) -> SigmoidPartials:
        check_array("x", x)
        output_wrt_x = np.exp(-x) / ((np.exp(-x) + 1) ** 2)
        return SigmoidPartials(output_wrt_x)


class MyNetwork:
    def __init__(self, in_features: int, out_features: int):
        self.in_features = in_features
        self.out_features = out_features

        self.linear1 = Linear(in_features, out_features)
        self.sigmoid = Sigmoid()
        self.loss = BinaryCrossEntropyLoss()

    def forward(self, x: np.ndarray) -> np.ndarray:
        """The prediction yhat = Sigmoid(Linear(x))."""
        forward_out = self.linear1.forward(x)
        return self.sigmoid.forward(forward_out)

    def forward_loss(self, x: np.ndarray, y: np.ndarray) -> np.floating:
        forward_out = self.linear1.forward(x)
        sigmoid_out = self.sigmoid.forward(forward_out)
        loss_out = self.loss.forward(sigmoid_out, y)
        return loss_out.sum()

    def update_weights(self, x: np.ndarray, y: np.ndarray, lr: float) -> None:
        check_lr(lr)
        forward_out = self.linear1.forward(x)
        sigmoid_out = self.sigmoid.forward(forward_out)

        loss_wrt_sigmoid = self.loss.backwards(sigmoid_out, y).output_wrt_yhat

        sigmoid_wrt_linear1 = self.sigmoid.backward(forward_out).output_wrt_x
        linear1_wrt_weight = self.linear1.backward(x).output_wrt_weight
        linear1_wrt_bias = self.linear1.backward(x).output_wrt_bias

        loss_wrt_linear1 = loss_wrt_sigmoid * sigmoid_wrt_linear1
        # Note: outer product because matrix multiplication!
        loss_wrt_weight = np.outer(loss_wrt_linear1, linear1_wrt_weight)
        loss_wrt_bias = loss_wrt_linear1 * linear1_wrt_bias

        self.linear1.weight = self.linear1.weight - lr * loss_wrt_weight
        self.linear1.bias = self.linear1.bias - lr * loss_wrt_bias
