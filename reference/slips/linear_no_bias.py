"""Slip: the bias left out of the forward pass, W x."""

from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Sigmoid
from scratch.tutorial import Linear as Tutorial


class Linear(Tutorial):
    def forward(self, x):
        return self.weight @ x


MyNetwork = network_using(linear=Linear)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
