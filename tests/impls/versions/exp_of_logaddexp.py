"""Other numerics, the same mathematics: the sigmoid as exp(-log(1 + exp(-z))), through
logaddexp, which moves its values by an ulp or so."""

import numpy as np
from _base import network_of

from scratch import tutorial
from scratch.tutorial import BinaryCrossEntropyLoss, Linear


class Sigmoid(tutorial.Sigmoid):
    def forward(self, x):
        return np.exp(-np.logaddexp(0, -x)).astype(np.result_type(x))


MyNetwork = network_of(sigmoid=Sigmoid)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
