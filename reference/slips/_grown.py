"""Shared by the grown derivation's slips: scratch.grown's API, with a two-layer network wired
to a slip's own layer classes."""

from __future__ import annotations

from typing import Any, ClassVar

from scratch import grown
from scratch.grown import (
    BinaryCrossEntropyLoss,
    Linear,
    MyNetwork,
    ReLU,
    Sigmoid,
    Tanh,
    TwoLayerNetwork,
    bias_gradient,
    weight_gradient,
)

__all__ = [
    "BinaryCrossEntropyLoss",
    "Linear",
    "MyNetwork",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "TwoLayerNetwork",
    "TwoLayerSteps",
    "bias_gradient",
    "two_layer_using",
    "weight_gradient",
]


def two_layer_using(**layers: Any) -> type[grown.TwoLayerNetwork]:
    """grown.TwoLayerNetwork whose activation (relu=, tanh=) or loss (loss=) classes are the
    slip's own."""

    class TwoLayerNetwork(grown.TwoLayerNetwork):
        activations: ClassVar[dict[str, type[Any]]] = {
            name: layers.get(name, cls) for name, cls in grown.ACTIVATIONS.items()
        }
        loss_class = layers.get("loss", grown.BinaryCrossEntropyLoss)

    return TwoLayerNetwork


class TwoLayerSteps(grown.TwoLayerNetwork):
    """grown.TwoLayerNetwork's update_weights written as the steps of its derivation, each a
    method: a slip in one step overrides that method alone."""

    def update_weights(self, x: Any, y: Any, lr: float) -> None:
        z1 = self.linear1.forward(x)
        h = self.activation.forward(z1)
        z2 = self.linear2.forward(h)
        yhat = self.sigmoid.forward(z2)
        g_z2 = self.output_delta(yhat, y, z2)
        g_h = self.hidden_gradient(g_z2, self.weight2_for_the_chain(g_z2, h, lr))
        g_z1 = self.hidden_delta(g_h, z1, h)
        grad_w2, grad_b2 = self.gradients(g_z2, h)
        grad_w1, grad_b1 = self.gradients(g_z1, x)
        self.linear2.weight = self.linear2.weight - lr * grad_w2
        self.linear2.bias = self.linear2.bias - lr * grad_b2
        self.linear1.weight = self.linear1.weight - lr * grad_w1
        self.linear1.bias = self.linear1.bias - lr * grad_b1

    def output_delta(self, yhat: Any, y: Any, z2: Any) -> Any:
        """dL/dz2 = dL/dyhat * sigmoid'(z2)."""
        loss_wrt_yhat = self.loss.backwards(yhat, y).output_wrt_yhat
        return loss_wrt_yhat * self.sigmoid.backward(z2).output_wrt_x

    def weight2_for_the_chain(self, g_z2: Any, h: Any, lr: float) -> Any:
        """The W2 that dL/dh goes through: the one before the step."""
        return self.linear2.weight

    def hidden_gradient(self, g_z2: Any, w2: Any) -> Any:
        """dL/dh = dL/dz2 W2, per sample."""
        return g_z2 @ w2

    def hidden_delta(self, g_h: Any, z1: Any, h: Any) -> Any:
        """dL/dz1 = dL/dh * activation'(z1)."""
        return g_h * self.activation.backward(z1).output_wrt_x

    def gradients(self, g: Any, inputs: Any) -> tuple[Any, Any]:
        """dL/dW = g^T inputs and dL/db = g, each summed over the batch."""
        return weight_gradient(g, inputs), bias_gradient(g, 1)
