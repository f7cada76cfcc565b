"""sys.exit(3) in forward_loss."""

import sys

from _base import BinaryCrossEntropyLoss, Linear, Sigmoid  # noqa: F401
from _base import MyNetwork as Tutorial


class MyNetwork(Tutorial):
    def forward_loss(self, x, y):
        sys.exit(3)
