"""Slip: forward_loss sums the elements whatever the reduction (the step takes the mean)."""

from _grown import (
    BinaryCrossEntropyLoss,
    Linear,
    MyNetwork,
    ReLU,
    Sigmoid,
    Tanh,
)
from _grown import TwoLayerNetwork as Right


class TwoLayerNetwork(Right):
    def forward_loss(self, x, y):
        return self.loss.forward(self.forward(x), y).sum()


__all__ = [
    "BinaryCrossEntropyLoss",
    "Linear",
    "MyNetwork",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "TwoLayerNetwork",
]
