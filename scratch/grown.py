"""The tutorial's derivation, grown: mini-batches, a hidden layer, ReLU and Tanh, a mean loss.

Beside ``scratch.tutorial``, in its style and with its names: each layer has ``forward`` and
``backward``, and ``backward`` returns the factors the chain rule multiplies by, derived by
hand below. Every layer and the loss take one sample ``(features,)`` or a mini-batch
``(batch, features)``, the batch axis first, as torch's layers do.

The chain rule over a batch: the loss is a sum (or a mean) over the batch, so the gradient
of a parameter is the sum of each sample's gradient, while the gradient of an activation
stays per sample. For one sample every formula here is the tutorial's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from scratch.checks import check_array, check_features, check_lr, check_probabilities

REDUCTIONS = ("sum", "mean")


def check_reduction(reduction: object) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'sum' or 'mean', got {reduction!r}")
    return str(reduction)


@dataclass
class BinaryCrossEntropyLossPartials:
    output_wrt_yhat: np.ndarray


class BinaryCrossEntropyLoss:
    """L_i = -(y_i log(yhat_i) + (1 - y_i) log(1 - yhat_i)), clamped at 100 per element.

    ``forward`` returns the elements, as the tutorial's does; the network reduces them by
    ``reduction``: "sum" (the tutorial's) or "mean" (torch's meaning: over all elements).

    dL_i/dyhat_i = -y_i / yhat_i + (1 - y_i) / (1 - yhat_i) = (yhat_i - y_i) / (yhat_i - yhat_i^2)

    For the sum each element's derivative is that; for the mean, L = (1/N) sum_i L_i, so each
    is divided by N, the number of elements (batch times outputs).
    """

    def __init__(self, reduction: str = "sum") -> None:
        self.reduction = check_reduction(reduction)

    def forward(self, yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
        check_probabilities(yhat, y)
        loss = -(y * np.log(yhat) + (1 - y) * np.log(1 - yhat))
        loss = np.clip(loss, -100, 100)
        return loss

    def reduce(self, loss: np.ndarray) -> np.floating:
        """The sum of the elements, or their mean."""
        return loss.sum() if self.reduction == "sum" else loss.mean()

    def backwards(self, yhat: np.ndarray, y: np.ndarray) -> BinaryCrossEntropyLossPartials:
        check_probabilities(yhat, y)
        output_wrt_yhat = (yhat - y) / (yhat - yhat**2)
        if self.reduction == "mean":
            output_wrt_yhat = output_wrt_yhat / yhat.size
        return BinaryCrossEntropyLossPartials(output_wrt_yhat)

    def backward(self, yhat: np.ndarray, y: np.ndarray) -> BinaryCrossEntropyLossPartials:
        return self.backwards(yhat, y)


def check_batch(name: str, x: object, in_features: int) -> np.ndarray:
    """One sample ``(in_features,)`` or a mini-batch ``(batch, in_features)``."""
    x = check_array(name, x)
    if x.ndim not in (1, 2):
        raise ValueError(
            f"{name} must have 1 dimension (one sample) or 2 (a mini-batch), got shape {x.shape}"
        )
    if x.ndim == 2:
        if x.shape[1] != in_features or x.shape[0] == 0:
            raise ValueError(
                f"Shape error: {name} has shape {x.shape}, expected (batch, {in_features})"
            )
        return x
    return check_features(name, x, in_features)


@dataclass
class LinearPartials:
    output_wrt_weight: np.ndarray
    output_wrt_bias: np.ndarray
    output_wrt_x: np.ndarray


class Linear:
    """z = W x + b, for a batch z = x W^T + b (one row per sample).

    z_i = sum_j W_ij x_j + b_i, so
    - dz_i/dW_ij = x_j: ``output_wrt_weight`` is x; with the upstream gradient g = dL/dz,
      dL/dW = outer(g, x), and over a batch the sum of those outer products, g^T x;
    - dz_i/db_i = 1: ``output_wrt_bias`` is ones; dL/db = g, summed over the batch;
    - dz_i/dx_j = W_ij: ``output_wrt_x`` is W (the Jacobian, out x in); what backpropagation
      passes to the layer below is dL/dx_j = sum_i g_i W_ij, that is g W: W transposed, as
      a column operator, per sample.
    """

    def __init__(self, in_features: int, out_features: int) -> None:
        self.in_features = in_features
        self.out_features = out_features
        self.weight: np.ndarray = np.random.randn(out_features, in_features).astype(np.float32)
        self.bias: np.ndarray = np.random.randn(out_features).astype(np.float32)

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_batch("x", x, self.in_features)
        return x @ self.weight.T + self.bias

    def backward(self, x: np.ndarray) -> LinearPartials:
        check_batch("x", x, self.in_features)
        output_wrt_weight = x
        output_wrt_bias = np.ones_like(self.bias)
        output_wrt_x = self.weight
        return LinearPartials(output_wrt_weight, output_wrt_bias, output_wrt_x)


@dataclass
class ActivationPartials:
    output_wrt_x: np.ndarray


SigmoidPartials = ActivationPartials


class Sigmoid:
    """s(x) = 1 / (1 + e^-x), element by element; ds/dx = e^-x / (1 + e^-x)^2."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_array("x", x)
        return 1 / (1 + np.exp(-x))

    def backward(self, x: np.ndarray) -> ActivationPartials:
        check_array("x", x)
        output_wrt_x = np.exp(-x) / ((np.exp(-x) + 1) ** 2)
        return ActivationPartials(output_wrt_x)


class ReLU:
    """relu(x) = max(x, 0), element by element; d relu/dx = 1 where x > 0, else 0.

    At x = 0 the derivative does not exist (the slopes on either side are 0 and 1); torch
    takes 0 there, and so does this.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_array("x", x)
        return np.maximum(x, 0)

    def backward(self, x: np.ndarray) -> ActivationPartials:
        check_array("x", x)
        output_wrt_x = (x > 0).astype(x.dtype)
        return ActivationPartials(output_wrt_x)


class Tanh:
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x); d tanh/dx = 1 - tanh(x)^2 (the quotient rule:
    ((e^x + e^-x)^2 - (e^x - e^-x)^2) / (e^x + e^-x)^2)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_array("x", x)
        return np.tanh(x)

    def backward(self, x: np.ndarray) -> ActivationPartials:
        check_array("x", x)
        output_wrt_x = 1 - np.tanh(x) ** 2
        return ActivationPartials(output_wrt_x)


ACTIVATIONS: dict[str, type[ReLU] | type[Tanh] | type[Sigmoid]] = {
    "relu": ReLU,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
}


def weight_gradient(loss_wrt_z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dL/dW: the tutorial's outer product for one sample; over a batch, their sum, g^T x."""
    if x.ndim == 1:
        return np.outer(loss_wrt_z, x)
    return loss_wrt_z.T @ x


def bias_gradient(loss_wrt_z: np.ndarray, z_wrt_bias: np.ndarray) -> np.ndarray:
    """dL/db: the tutorial's product for one sample; over a batch, summed over the batch."""
    loss_wrt_bias = loss_wrt_z * z_wrt_bias
    return loss_wrt_bias if loss_wrt_bias.ndim == 1 else loss_wrt_bias.sum(axis=0)


class MyNetwork:
    """The tutorial's network, taking a mini-batch too (the loss summed over it)."""

    def __init__(self, in_features: int, out_features: int):
        self.in_features = in_features
        self.out_features = out_features

        self.linear1 = Linear(in_features, out_features)
        self.sigmoid = Sigmoid()
        self.loss = BinaryCrossEntropyLoss()

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self.sigmoid.forward(self.linear1.forward(x))

    def forward_loss(self, x: np.ndarray, y: np.ndarray) -> np.floating:
        return self.loss.reduce(self.loss.forward(self.forward(x), y))

    def update_weights(self, x: np.ndarray, y: np.ndarray, lr: float) -> None:
        check_lr(lr)
        forward_out = self.linear1.forward(x)
        sigmoid_out = self.sigmoid.forward(forward_out)

        loss_wrt_sigmoid = self.loss.backwards(sigmoid_out, y).output_wrt_yhat
        sigmoid_wrt_linear1 = self.sigmoid.backward(forward_out).output_wrt_x
        linear1_partials = self.linear1.backward(x)

        loss_wrt_linear1 = loss_wrt_sigmoid * sigmoid_wrt_linear1
        loss_wrt_weight = weight_gradient(loss_wrt_linear1, linear1_partials.output_wrt_weight)
        loss_wrt_bias = bias_gradient(loss_wrt_linear1, linear1_partials.output_wrt_bias)

        self.linear1.weight = self.linear1.weight - lr * loss_wrt_weight
        self.linear1.bias = self.linear1.bias - lr * loss_wrt_bias


class TwoLayerNetwork:
    """yhat = Sigmoid(Linear2(activation(Linear1(x)))), with the loss reduced by ``reduction``.

    Backpropagation, from the loss down (g_v is dL/dv, per sample):
    - g_yhat from the loss; g_z2 = g_yhat * sigmoid'(z2);
    - dL/dW2 = g_z2^T h, dL/db2 = g_z2 summed over the batch (Linear's partials);
    - g_h = g_z2 W2 (through Linear2's output_wrt_x: W2 transposed, per sample);
    - g_z1 = g_h * activation'(z1);
    - dL/dW1 = g_z1^T x, dL/db1 = g_z1 summed over the batch.
    Every gradient is taken at the weights before the step; then all four are updated.
    """

    # The classes its layers are made of, by role (scratch.stable's network names its own).
    activations: ClassVar[dict[str, type[Any]]] = ACTIVATIONS
    output_class: type[Any] = Sigmoid
    loss_class: type[Any] = BinaryCrossEntropyLoss

    def __init__(
        self,
        in_features: int,
        hidden_features: int,
        out_features: int,
        activation: str = "relu",
        reduction: str = "sum",
    ) -> None:
        if activation not in self.activations:
            raise ValueError(
                f"activation must be one of {', '.join(self.activations)}, got {activation!r}"
            )
        self.in_features = in_features
        self.hidden_features = hidden_features
        self.out_features = out_features

        self.linear1 = Linear(in_features, hidden_features)
        self.activation = self.activations[activation]()
        self.linear2 = Linear(hidden_features, out_features)
        self.sigmoid = self.output_class()
        self.loss = self.loss_class(reduction)

    def forward(self, x: np.ndarray) -> np.ndarray:
        hidden = self.activation.forward(self.linear1.forward(x))
        return self.sigmoid.forward(self.linear2.forward(hidden))

    def forward_loss(self, x: np.ndarray, y: np.ndarray) -> np.floating:
        return self.loss.reduce(self.loss.forward(self.forward(x), y))

    def update_weights(self, x: np.ndarray, y: np.ndarray, lr: float) -> None:
        check_lr(lr)
        linear1_out = self.linear1.forward(x)
        hidden = self.activation.forward(linear1_out)
        linear2_out = self.linear2.forward(hidden)
        sigmoid_out = self.sigmoid.forward(linear2_out)

        loss_wrt_sigmoid = self.loss.backwards(sigmoid_out, y).output_wrt_yhat
        loss_wrt_linear2 = loss_wrt_sigmoid * self.sigmoid.backward(linear2_out).output_wrt_x
        linear2_partials = self.linear2.backward(hidden)
        loss_wrt_hidden = loss_wrt_linear2 @ linear2_partials.output_wrt_x
        loss_wrt_linear1 = loss_wrt_hidden * self.activation.backward(linear1_out).output_wrt_x
        linear1_partials = self.linear1.backward(x)

        loss_wrt_weight2 = weight_gradient(loss_wrt_linear2, linear2_partials.output_wrt_weight)
        loss_wrt_bias2 = bias_gradient(loss_wrt_linear2, linear2_partials.output_wrt_bias)
        loss_wrt_weight1 = weight_gradient(loss_wrt_linear1, linear1_partials.output_wrt_weight)
        loss_wrt_bias1 = bias_gradient(loss_wrt_linear1, linear1_partials.output_wrt_bias)

        self.linear2.weight = self.linear2.weight - lr * loss_wrt_weight2
        self.linear2.bias = self.linear2.bias - lr * loss_wrt_bias2
        self.linear1.weight = self.linear1.weight - lr * loss_wrt_weight1
        self.linear1.bias = self.linear1.bias - lr * loss_wrt_bias1
