"""Correct: forward_loss returns the summed loss as a Python float."""

from _variant import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid


class MyNetwork(network_using()):
    def forward_loss(self, x, y):
        return float(super().forward_loss(x, y))


__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
