"""Slip: a layer of more than 256 weights takes its step in float16 "to save memory", so a
large layer's weights lose all but three digits."""

import numpy as np
from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid


class MyNetwork(network_using()):
    def update_weights(self, x, y, lr):
        dtype = self.linear1.weight.dtype
        if self.linear1.weight.size <= 256:
            return super().update_weights(x, y, lr)
        before = self.linear1.weight.astype(np.float16)
        super().update_weights(x, y, lr)
        step = (self.linear1.weight - before).astype(np.float16)
        self.linear1.weight = (before + step).astype(dtype)


__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
