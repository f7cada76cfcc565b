"""Slip: Sigmoid.backward differentiates at the input its last forward saw, not at its own."""

import numpy as np
from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Linear, SigmoidPartials


class Sigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, x):
        if not hasattr(self, "out"):
            self.forward(x)
        return SigmoidPartials(self.out * (1 - self.out))


MyNetwork = network_using(sigmoid=Sigmoid)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
