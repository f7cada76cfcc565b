"""Slip: Linear.backward returns the input its last forward saw as dz/dW, not its own x."""

from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, LinearPartials, Sigmoid
from scratch.tutorial import Linear as Tutorial


class Linear(Tutorial):
    def forward(self, x):
        self.x = x
        return super().forward(x)

    def backward(self, x):
        saved = getattr(self, "x", x)
        return LinearPartials(saved, super().backward(x).output_wrt_bias)


MyNetwork = network_using(linear=Linear)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
