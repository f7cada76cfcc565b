"""SIGKILL to itself in update_weights."""

import os
import signal

from _base import BinaryCrossEntropyLoss, Linear, Sigmoid  # noqa: F401
from _base import MyNetwork as Tutorial


class MyNetwork(Tutorial):
    def update_weights(self, x, y, learning_rate):
        os.kill(os.getpid(), signal.SIGKILL)
