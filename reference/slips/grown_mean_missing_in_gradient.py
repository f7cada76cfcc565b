"""Slip: the mean's 1/N in the loss but not in its gradient."""

from _grown import (
    Linear,
    MyNetwork,
    ReLU,
    Sigmoid,
    Tanh,
    two_layer_using,
)

from scratch.grown import BinaryCrossEntropyLoss as Right
from scratch.grown import BinaryCrossEntropyLossPartials


class BinaryCrossEntropyLoss(Right):
    def backwards(self, yhat, y):
        return BinaryCrossEntropyLossPartials((yhat - y) / (yhat - yhat**2))

    backward = backwards


TwoLayerNetwork = two_layer_using(loss=BinaryCrossEntropyLoss)


__all__ = [
    "BinaryCrossEntropyLoss",
    "Linear",
    "MyNetwork",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "TwoLayerNetwork",
]
