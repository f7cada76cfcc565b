"""Slip: the weights silently float64 (the .astype(np.float32) left out of Linear)."""

import numpy as np
from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Sigmoid
from scratch.tutorial import Linear as Tutorial


class Linear(Tutorial):
    def __init__(self, in_features, out_features):
        super().__init__(in_features, out_features)
        self.weight = self.weight.astype(np.float64)
        self.bias = self.bias.astype(np.float64)


MyNetwork = network_using(linear=Linear)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
