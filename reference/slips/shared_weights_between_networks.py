"""Slip: the weights kept in a class-level dict by shape, so networks of one shape share them."""

from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Sigmoid
from scratch.tutorial import Linear as Tutorial


class Linear(Tutorial):
    _store: dict = {}  # noqa: RUF012  (the slip: one dict for every instance)

    def __init__(self, in_features, out_features):
        self._key = (in_features, out_features)
        self._store.setdefault(self._key, {})
        super().__init__(in_features, out_features)

    weight = property(
        lambda self: self._store[self._key]["weight"],
        lambda self, v: self._store[self._key].__setitem__("weight", v),
    )
    bias = property(
        lambda self: self._store[self._key]["bias"],
        lambda self, v: self._store[self._key].__setitem__("bias", v),
    )


MyNetwork = network_using(linear=Linear)
__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
