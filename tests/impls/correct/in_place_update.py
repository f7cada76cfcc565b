"""Correct: the weights updated in place (np.subtract with out=), no new arrays."""

import numpy as np
from _variant import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid


class MyNetwork(network_using()):
    def update_weights(self, x, y, lr):
        z = self.linear1.forward(x)
        yhat = self.sigmoid.forward(z)
        dl_dz = self.loss.backwards(yhat, y).output_wrt_yhat * self.sigmoid.backward(z).output_wrt_x
        np.subtract(self.linear1.weight, lr * np.outer(dl_dz, x), out=self.linear1.weight)
        np.subtract(self.linear1.bias, lr * dl_dz, out=self.linear1.bias)


__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
