"""Slip: the learning rate applied twice, W - lr * lr * dL/dW."""

from scratch import tutorial
from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid


class MyNetwork(tutorial.MyNetwork):
    def update_weights(self, x, y, lr):
        super().update_weights(x, y, lr * lr)


__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
