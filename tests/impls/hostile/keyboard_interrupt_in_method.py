"""Raises KeyboardInterrupt (a BaseException, not an Exception) in the sigmoid's backward."""

from _base import BinaryCrossEntropyLoss, Linear, MyNetwork  # noqa: F401
from _base import Sigmoid as Tutorial


class Sigmoid(Tutorial):
    def backward(self, x):
        raise KeyboardInterrupt
