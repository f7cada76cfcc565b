"""Slip: the 1/N kept after all, the loss's mean instead of its sum (torch's default)."""

from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss as Tutorial
from scratch.tutorial import Linear, Sigmoid


class BinaryCrossEntropyLoss(Tutorial):
    def forward(self, yhat, y):
        return super().forward(yhat, y) / len(yhat)


MyNetwork = network_using(loss=BinaryCrossEntropyLoss)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
