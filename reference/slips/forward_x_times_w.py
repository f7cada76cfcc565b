"""Slip: the layer as x @ W + b, which is W^T x: right only when W is 1x1 (and fails to run
where W is not square)."""

from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Sigmoid
from scratch.tutorial import Linear as Tutorial


class Linear(Tutorial):
    def forward(self, x):
        return x @ self.weight + self.bias


MyNetwork = network_using(linear=Linear)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
