"""Slip: the batch axis summed before the outer product: dL/dW = outer(sum g, sum x)."""

import numpy as np
from _grown import (
    BinaryCrossEntropyLoss,
    Linear,
    MyNetwork,
    ReLU,
    Sigmoid,
    Tanh,
    TwoLayerSteps,
)


class TwoLayerNetwork(TwoLayerSteps):
    def gradients(self, g, inputs):
        g2, x2 = np.atleast_2d(g), np.atleast_2d(inputs)
        return np.outer(g2.sum(axis=0), x2.sum(axis=0)), g2.sum(axis=0)


__all__ = [
    "BinaryCrossEntropyLoss",
    "Linear",
    "MyNetwork",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "TwoLayerNetwork",
]
