"""Slip: the bias gradient not summed over the batch (one row per sample)."""

from _grown import (
    BinaryCrossEntropyLoss,
    Linear,
    MyNetwork,
    ReLU,
    Sigmoid,
    Tanh,
    weight_gradient,
)
from _grown import TwoLayerNetwork as Right


class TwoLayerNetwork(Right):
    def update_weights(self, x, y, lr):
        z1 = self.linear1.forward(x)
        h = self.activation.forward(z1)
        z2 = self.linear2.forward(h)
        yhat = self.sigmoid.forward(z2)
        g_z2 = self.loss.backwards(yhat, y).output_wrt_yhat * self.sigmoid.backward(z2).output_wrt_x
        w2 = self.linear2.weight
        g_h = g_z2 @ w2
        g_z1 = g_h * self.activation.backward(z1).output_wrt_x
        grad_w2, grad_b2 = weight_gradient(g_z2, h), g_z2  # the slip
        grad_w1, grad_b1 = weight_gradient(g_z1, x), g_z1  # the slip
        self.linear2.weight = self.linear2.weight - lr * grad_w2
        self.linear2.bias = self.linear2.bias - lr * grad_b2
        self.linear1.weight = self.linear1.weight - lr * grad_w1
        self.linear1.bias = self.linear1.bias - lr * grad_b1


__all__ = [
    "BinaryCrossEntropyLoss",
    "Linear",
    "MyNetwork",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "TwoLayerNetwork",
]
