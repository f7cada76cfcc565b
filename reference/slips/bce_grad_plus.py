"""Slip: a sign lost in the simplification, (yhat - y) / (yhat + yhat**2)."""

from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss as Tutorial
from scratch.tutorial import BinaryCrossEntropyLossPartials, Linear, Sigmoid


class BinaryCrossEntropyLoss(Tutorial):
    def backwards(self, yhat, y):
        return BinaryCrossEntropyLossPartials((yhat - y) / (yhat + yhat**2))


MyNetwork = network_using(loss=BinaryCrossEntropyLoss)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
