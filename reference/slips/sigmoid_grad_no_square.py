"""Slip: the square of the quotient rule forgotten, exp(-x) / (exp(-x) + 1)."""

import numpy as np
from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Linear, SigmoidPartials
from scratch.tutorial import Sigmoid as Tutorial


class Sigmoid(Tutorial):
    def backward(self, x):
        return SigmoidPartials(np.exp(-x) / (np.exp(-x) + 1))


MyNetwork = network_using(sigmoid=Sigmoid)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
