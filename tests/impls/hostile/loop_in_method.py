"""A loop in update_weights that never ends."""

from _base import BinaryCrossEntropyLoss, Linear, Sigmoid  # noqa: F401
from _base import MyNetwork as Tutorial


class MyNetwork(Tutorial):
    def update_weights(self, x, y, learning_rate):
        while True:
            pass
