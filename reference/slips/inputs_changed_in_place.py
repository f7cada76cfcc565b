"""Slip: dL/dyhat computed in place in the label array, so the caller's y is overwritten."""

import numpy as np
from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss as Tutorial
from scratch.tutorial import BinaryCrossEntropyLossPartials, Linear, Sigmoid


class BinaryCrossEntropyLoss(Tutorial):
    def backwards(self, yhat, y):
        grad = np.subtract(yhat, y, out=y)  # saves an allocation, and the caller's labels
        grad /= yhat - yhat**2
        return BinaryCrossEntropyLossPartials(grad)


MyNetwork = network_using(loss=BinaryCrossEntropyLoss)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
