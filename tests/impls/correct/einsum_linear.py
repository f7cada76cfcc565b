"""Correct: the linear layer's product by np.einsum."""

import numpy as np
from _variant import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Sigmoid
from scratch.tutorial import Linear as Tutorial


class Linear(Tutorial):
    def forward(self, x):
        return np.einsum("ij,j->i", self.weight, x) + self.bias


MyNetwork = network_using(linear=Linear)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
