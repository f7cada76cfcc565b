"""Slip: the mean taken over the batch only (1/batch), not over every element as torch's."""

from _grown import (
    Linear,
    MyNetwork,
    ReLU,
    Sigmoid,
    Tanh,
    two_layer_using,
)

from scratch.grown import BinaryCrossEntropyLoss as Right
from scratch.grown import BinaryCrossEntropyLossPartials


class BinaryCrossEntropyLoss(Right):
    def reduce(self, loss):
        return loss.sum() if self.reduction == "sum" else loss.sum() / len(loss)

    def backwards(self, yhat, y):
        output_wrt_yhat = (yhat - y) / (yhat - yhat**2)
        if self.reduction == "mean":
            output_wrt_yhat = output_wrt_yhat / len(yhat)
        return BinaryCrossEntropyLossPartials(output_wrt_yhat)

    backward = backwards


TwoLayerNetwork = two_layer_using(loss=BinaryCrossEntropyLoss)


__all__ = [
    "BinaryCrossEntropyLoss",
    "Linear",
    "MyNetwork",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "TwoLayerNetwork",
]
