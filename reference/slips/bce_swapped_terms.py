"""Slip: the two log terms swapped, -(y log(1 - yhat) + (1 - y) log(yhat))."""

import numpy as np
from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss as Tutorial
from scratch.tutorial import Linear, Sigmoid


class BinaryCrossEntropyLoss(Tutorial):
    def forward(self, yhat, y):
        return np.clip(-(y * np.log(1 - yhat) + (1 - y) * np.log(yhat)), -100, 100)


MyNetwork = network_using(loss=BinaryCrossEntropyLoss)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
