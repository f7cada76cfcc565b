"""Slip: the sigmoid's derivative taken as the sigmoid itself, as for exp."""

from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Linear, SigmoidPartials
from scratch.tutorial import Sigmoid as Tutorial


class Sigmoid(Tutorial):
    def backward(self, x):
        return SigmoidPartials(self.forward(x))


MyNetwork = network_using(sigmoid=Sigmoid)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
