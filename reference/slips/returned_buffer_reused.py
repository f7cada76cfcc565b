"""Slip: Sigmoid.forward returns one buffer it reuses, so the next call overwrites a result."""

import numpy as np
from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Linear
from scratch.tutorial import Sigmoid as Tutorial


class Sigmoid(Tutorial):
    def forward(self, x):
        if getattr(self, "buffer", None) is None or self.buffer.shape != x.shape:
            self.buffer = np.empty_like(x)
        np.divide(1, 1 + np.exp(-x), out=self.buffer)
        return self.buffer


MyNetwork = network_using(sigmoid=Sigmoid)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
