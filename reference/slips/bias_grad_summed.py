"""Slip: the bias gradient summed to one number, right only for a layer with one output."""

from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid


class MyNetwork(network_using()):
    def update_weights(self, x, y, lr):
        weight = self.linear1.weight
        super().update_weights(x, y, lr)
        dl_dz = (weight - self.linear1.weight)[:, 0] / (lr * x[0]) if x[0] else 0 * x[:1]
        self.linear1.bias = self.linear1.bias + lr * dl_dz - lr * dl_dz.sum()


__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
