"""Slip: tanh's derivative without the square, 1 - tanh(x)."""

import numpy as np
from _grown import (
    BinaryCrossEntropyLoss,
    Linear,
    MyNetwork,
    ReLU,
    Sigmoid,
    two_layer_using,
)

from scratch.grown import ActivationPartials
from scratch.grown import Tanh as Right


class Tanh(Right):
    def backward(self, x):
        return ActivationPartials(1 - np.tanh(x))


TwoLayerNetwork = two_layer_using(tanh=Tanh)


__all__ = [
    "BinaryCrossEntropyLoss",
    "Linear",
    "MyNetwork",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "TwoLayerNetwork",
]
