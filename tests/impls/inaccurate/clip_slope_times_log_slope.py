"""Inaccurate: dL/dyhat as reverse-mode autodiff of the tutorial's clipped loss computes it
(HIPS autograd's way): the clip's slope (1 inside, 0 where the loss is clipped) times the
log's. Right wherever the loss is below 100; at yhat = 0 or 1 the log's slope is infinite,
and 0 times inf is NaN, where the clipped loss is flat and its derivative is 0."""

import numpy as np
from _variant import network_using

from scratch.tutorial import BinaryCrossEntropyLoss as Tutorial
from scratch.tutorial import BinaryCrossEntropyLossPartials, Linear, Sigmoid


class BinaryCrossEntropyLoss(Tutorial):
    def backwards(self, yhat, y):
        with np.errstate(divide="ignore", invalid="ignore"):
            loss = -(y * np.log(yhat) + (1 - y) * np.log(1 - yhat))
            inside = (loss < 100).astype(yhat.dtype)
            log_slope = -(y / yhat) + (1 - y) / (1 - yhat)
        return BinaryCrossEntropyLossPartials(inside * log_slope)


MyNetwork = network_using(loss=BinaryCrossEntropyLoss)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
