"""Slip: Linear.forward caches its output by the input array's identity, so an input array
refilled in place gets the stale logits."""

from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Sigmoid
from scratch.tutorial import Linear as Tutorial


class Linear(Tutorial):
    def forward(self, x):
        cached = getattr(self, "cache", None)
        if cached is not None and cached[0] is x and cached[1] is self.weight:
            return cached[2]
        z = super().forward(x)
        self.cache = (x, self.weight, z)
        return z


MyNetwork = network_using(linear=Linear)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
