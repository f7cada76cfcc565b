"""Slip: 1e-7 added to dL/dyhat's denominator "for stability": within float32's tolerance,
far outside float64's."""

from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss as Tutorial
from scratch.tutorial import BinaryCrossEntropyLossPartials, Linear, Sigmoid


class BinaryCrossEntropyLoss(Tutorial):
    def backwards(self, yhat, y):
        return BinaryCrossEntropyLossPartials((yhat - y) / (yhat - yhat**2 + 1e-7))


MyNetwork = network_using(loss=BinaryCrossEntropyLoss)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
