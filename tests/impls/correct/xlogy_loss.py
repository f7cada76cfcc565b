"""Correct, other numerics: the loss with scipy.special.xlogy, so 0 * log 0 is 0 (its limit)
where the tutorial gets NaN; the clip of the finished loss kept."""

import numpy as np
from _variant import network_using
from scipy.special import xlogy

from scratch.tutorial import BinaryCrossEntropyLoss as Tutorial
from scratch.tutorial import Linear, Sigmoid


class BinaryCrossEntropyLoss(Tutorial):
    def forward(self, yhat, y):
        super().forward(yhat, y)
        with np.errstate(divide="ignore"):
            return np.clip(-(xlogy(y, yhat) + xlogy(1 - y, 1 - yhat)), -100, 100)


MyNetwork = network_using(loss=BinaryCrossEntropyLoss)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
