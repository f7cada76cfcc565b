"""Slip: the ±100 clamp applied to the summed loss instead of each element's."""

import numpy as np
from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid


class MyNetwork(network_using()):
    def forward_loss(self, x, y):
        yhat = self.sigmoid.forward(self.linear1.forward(x))
        loss = -(y * np.log(yhat) + (1 - y) * np.log(1 - yhat))
        return np.clip(loss.sum(), -100, 100)


__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
