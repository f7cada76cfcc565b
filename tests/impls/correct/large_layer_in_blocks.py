"""Correct, another path for large layers: a layer of more than 256 weights computes W @ x in
blocks of 16 rows (as a cache-minded port might), the same values by another order of work."""

import numpy as np
from _variant import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Sigmoid
from scratch.tutorial import Linear as Tutorial


class Linear(Tutorial):
    def forward(self, x):
        if self.weight.size <= 256:
            return super().forward(x)
        rows = [self.weight[i : i + 16] @ x for i in range(0, self.weight.shape[0], 16)]
        return np.concatenate(rows) + self.bias


MyNetwork = network_using(linear=Linear)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
