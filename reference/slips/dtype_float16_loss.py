"""Slip: the loss computed in float16 to save memory."""

import numpy as np
from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss as Tutorial
from scratch.tutorial import Linear, Sigmoid


class BinaryCrossEntropyLoss(Tutorial):
    def forward(self, yhat, y):
        return super().forward(yhat.astype(np.float16), y.astype(np.float16)).astype(yhat.dtype)


MyNetwork = network_using(loss=BinaryCrossEntropyLoss)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
