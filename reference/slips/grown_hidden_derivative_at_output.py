"""Slip: the hidden activation's derivative taken at its output h, not at z1."""

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
    def hidden_delta(self, g_h, z1, h):
        return g_h * self.activation.backward(h).output_wrt_x


__all__ = [
    "BinaryCrossEntropyLoss",
    "Linear",
    "MyNetwork",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "TwoLayerNetwork",
]
