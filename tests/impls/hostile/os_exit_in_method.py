"""os._exit(0) in update_weights: the process ends without unwinding."""

import os

from _base import BinaryCrossEntropyLoss, Linear, Sigmoid  # noqa: F401
from _base import MyNetwork as Tutorial


class MyNetwork(Tutorial):
    def update_weights(self, x, y, learning_rate):
        os._exit(0)
