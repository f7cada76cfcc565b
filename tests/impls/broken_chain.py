"""A derivation slip: the chain rule without the sigmoid's factor, dL/dz = dL/dyhat."""

import numpy as np

from scratch import tutorial
from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid  # noqa: F401


class MyNetwork(tutorial.MyNetwork):
    def update_weights(self, x: np.ndarray, y: np.ndarray, lr: float) -> None:
        sigmoid_out = self.sigmoid.forward(self.linear1.forward(x))
        loss_wrt_linear1 = self.loss.backwards(sigmoid_out, y).output_wrt_yhat  # slip: no dyhat/dz
        self.linear1.weight = self.linear1.weight - lr * np.outer(loss_wrt_linear1, x)
        self.linear1.bias = self.linear1.bias - lr * loss_wrt_linear1
