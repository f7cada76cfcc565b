"""A slip (the learning rate applied twice, which the update property catches) that also
rewrites the properties in its own process: no example run, so nothing to fail on."""

import reference.checks.properties
from scratch import tutorial
from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid  # noqa: F401

reference.checks.properties._driven = lambda name, prop, impl: []


class MyNetwork(tutorial.MyNetwork):
    def update_weights(self, x, y, lr):
        super().update_weights(x, y, lr * lr)
