"""The tutorial's classes, for the hostile variants to start from (each is the tutorial's code
and one thing a submission should never be able to do to a verdict)."""

from scratch.tutorial import BinaryCrossEntropyLoss, Linear, MyNetwork, Sigmoid

__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
