"""Slip: the update's sign, W + lr * dL/dW (gradient ascent)."""

from scratch import tutorial
from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid


class MyNetwork(tutorial.MyNetwork):
    def update_weights(self, x, y, lr):
        weight, bias = self.linear1.weight, self.linear1.bias
        super().update_weights(x, y, lr)
        self.linear1.weight = 2 * weight - self.linear1.weight  # W + lr * g
        self.linear1.bias = 2 * bias - self.linear1.bias


__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
