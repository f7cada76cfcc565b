"""A derivation slip: update_weights forgets to update the bias."""

import numpy as np

from scratch import tutorial
from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid  # noqa: F401


class MyNetwork(tutorial.MyNetwork):
    def update_weights(self, x: np.ndarray, y: np.ndarray, lr: float) -> None:
        bias = self.linear1.bias
        super().update_weights(x, y, lr)
        self.linear1.bias = bias  # slip: the bias never moves
