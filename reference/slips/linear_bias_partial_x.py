"""Slip: dz/db taken as x, like dz/dW (only square layers survive the shapes)."""

from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, LinearPartials, Sigmoid
from scratch.tutorial import Linear as Tutorial


class Linear(Tutorial):
    def backward(self, x):
        return LinearPartials(x, x[: len(self.bias)] * 0 + x.sum())


MyNetwork = network_using(linear=Linear)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
