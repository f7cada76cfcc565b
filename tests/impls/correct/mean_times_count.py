"""Correct: the summed loss written as the mean times the number of outputs."""

from _variant import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid


class MyNetwork(network_using()):
    def forward_loss(self, x, y):
        loss = self.loss.forward(self.sigmoid.forward(self.linear1.forward(x)), y)
        return loss.mean() * loss.size


__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
