"""Asks for 30 GB in forward_loss."""

import numpy as np
from _base import BinaryCrossEntropyLoss, Linear, Sigmoid  # noqa: F401
from _base import MyNetwork as Tutorial


class MyNetwork(Tutorial):
    def forward_loss(self, x, y):
        np.ones(30 * 2**30 // 8)
        return super().forward_loss(x, y)
