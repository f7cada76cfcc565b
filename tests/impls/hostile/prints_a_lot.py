"""The tutorial's code, printing 50 MB in every update_weights (its values are right)."""

import sys

from _base import BinaryCrossEntropyLoss, Linear, Sigmoid  # noqa: F401
from _base import MyNetwork as Tutorial

BLOCK = "x" * (1 << 20) + "\n"


class MyNetwork(Tutorial):
    printed = False

    def update_weights(self, x, y, learning_rate):
        if not MyNetwork.printed:  # once: 50 MB in all
            MyNetwork.printed = True
            for _ in range(50):
                sys.stdout.write(BLOCK)
        return super().update_weights(x, y, learning_rate)
