"""Asks for the number of epochs at import."""

from _base import BinaryCrossEntropyLoss, Linear, MyNetwork, Sigmoid  # noqa: F401

epochs = int(input("epochs? "))
