"""Slip: update_weights applies its step twice (an update in a loop meant for logging)."""

from scratch import tutorial
from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid


class MyNetwork(tutorial.MyNetwork):
    def update_weights(self, x, y, lr):
        super().update_weights(x, y, lr)
        super().update_weights(x, y, lr)


__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
