"""The tutorial's code with its weight held as np.matrix (a subclass whose * is a matrix
product): the same numbers, another type."""

import numpy as np

from scratch import tutorial
from scratch.tutorial import BinaryCrossEntropyLoss, Sigmoid  # noqa: F401


class Linear(tutorial.Linear):
    def __init__(self, in_features, out_features):
        super().__init__(in_features, out_features)
        self.weight = np.asmatrix(self.weight)


class MyNetwork(tutorial.MyNetwork):
    def __init__(self, in_features, out_features):
        self.linear1 = Linear(in_features, out_features)
        self.sigmoid = tutorial.Sigmoid()
        self.loss = tutorial.BinaryCrossEntropyLoss()
