"""Train until the loss is below a bound it never reaches: a loop at import that never ends."""

from _base import BinaryCrossEntropyLoss, Linear, MyNetwork, Sigmoid  # noqa: F401

loss = 1.0
while loss > 0:
    loss = loss * 1.0
