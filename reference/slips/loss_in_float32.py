"""Slip: the loss computed in float32 whatever the input's dtype: only float64 shows it."""

import numpy as np
from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss as Tutorial
from scratch.tutorial import Linear, Sigmoid


class BinaryCrossEntropyLoss(Tutorial):
    def forward(self, yhat, y):
        return super().forward(yhat.astype(np.float32), y.astype(np.float32))


MyNetwork = network_using(loss=BinaryCrossEntropyLoss)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
