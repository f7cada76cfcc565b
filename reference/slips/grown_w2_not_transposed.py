"""Slip: W2 used transposed on the way down, dL/dh = dL/dz2 W2^T (a shape error
unless W2 is square, a wrong value where it is)."""

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
    def hidden_gradient(self, g_z2, w2):
        return g_z2 @ w2.T


__all__ = [
    "BinaryCrossEntropyLoss",
    "Linear",
    "MyNetwork",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "TwoLayerNetwork",
]
