"""Other numerics, the same mathematics: the sigmoid as exp(-log(1 + exp(-z))), through
logaddexp, which moves its values by an ulp or so."""

import numpy as np

from scratch import tutorial
from scratch.tutorial import BinaryCrossEntropyLoss, Linear


class Sigmoid(tutorial.Sigmoid):
    def forward(self, x):
        return np.exp(-np.logaddexp(0, -x)).astype(np.result_type(x))


class MyNetwork(tutorial.MyNetwork):
    def __init__(self, in_features, out_features):
        super().__init__(in_features, out_features)
        self.sigmoid = Sigmoid()  # no weights: the tutorial's draws are unchanged


__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
