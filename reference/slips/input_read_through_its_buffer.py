"""Slip: Linear.forward reads x through the buffer protocol (np.frombuffer), as code handing
its input to C does: right for a contiguous x, an error for a strided one (a column of a
matrix, every other sample)."""

import numpy as np

from scratch import tutorial
from scratch.tutorial import BinaryCrossEntropyLoss, Sigmoid


class Linear(tutorial.Linear):
    def forward(self, x):
        x = np.asarray(x)
        flat = np.frombuffer(x, dtype=x.dtype).reshape(x.shape)
        return self.weight @ flat + self.bias


class MyNetwork(tutorial.MyNetwork):
    def __init__(self, in_features, out_features):
        super().__init__(in_features, out_features)
        self.linear1.__class__ = Linear  # the tutorial's weights, drawn once, and this forward


__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
