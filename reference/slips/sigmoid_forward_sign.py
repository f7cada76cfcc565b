"""Slip: the sign of the exponent, 1 / (1 + exp(x))."""

import numpy as np
from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Linear
from scratch.tutorial import Sigmoid as Tutorial


class Sigmoid(Tutorial):
    def forward(self, x):
        return 1 / (1 + np.exp(x))


MyNetwork = network_using(sigmoid=Sigmoid)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
