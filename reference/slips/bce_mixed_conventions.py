"""Slip: the loss clamped per log term as torch clamps it, its gradient eps-clipped as Keras
clips it: each quantity follows a convention, and no one convention explains both."""

import numpy as np
from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss as Tutorial
from scratch.tutorial import BinaryCrossEntropyLossPartials, Linear, Sigmoid


class BinaryCrossEntropyLoss(Tutorial):
    def forward(self, yhat, y):
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(yhat), -100)
            log_q = np.maximum(np.log(1 - yhat), -100)
        return -(y * log_p + (1 - y) * log_q)

    def backwards(self, yhat, y):
        eps = yhat.dtype.type(1e-7)
        p = np.clip(yhat, eps, 1 - eps)
        return BinaryCrossEntropyLossPartials((p - y) / (p * (1 - p)))


MyNetwork = network_using(loss=BinaryCrossEntropyLoss)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
