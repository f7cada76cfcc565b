"""Slip: the bias gradient averaged over the batch where the loss sums it."""

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
        return super().gradients(g, inputs)[0], np.atleast_2d(g).mean(axis=0)


__all__ = [
    "BinaryCrossEntropyLoss",
    "Linear",
    "MyNetwork",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "TwoLayerNetwork",
]
