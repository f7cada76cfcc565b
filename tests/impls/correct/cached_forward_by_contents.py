"""Correct, other bookkeeping: Linear.forward caches its output by the contents of its input
and weights (a copy of each), so an input refilled in place is computed afresh."""

from _variant import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Sigmoid
from scratch.tutorial import Linear as Tutorial


class Linear(Tutorial):
    def forward(self, x):
        key = (x.tobytes(), self.weight.tobytes(), self.bias.tobytes())
        cached = getattr(self, "cache", None)
        if cached is not None and cached[0] == key:
            return cached[1].copy()
        z = super().forward(x)
        self.cache = (key, z.copy())
        return z


MyNetwork = network_using(linear=Linear)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
