"""Shared by the grown derivation's slips: scratch.grown's API, with a two-layer network wired
to a slip's own layer classes."""

from __future__ import annotations

from typing import Any

from scratch import grown
from scratch.grown import (
    BinaryCrossEntropyLoss,
    Linear,
    MyNetwork,
    ReLU,
    Sigmoid,
    Tanh,
    TwoLayerNetwork,
    bias_gradient,
    weight_gradient,
)

__all__ = [
    "BinaryCrossEntropyLoss",
    "Linear",
    "MyNetwork",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "TwoLayerNetwork",
    "bias_gradient",
    "two_layer_using",
    "weight_gradient",
]


def two_layer_using(**layers: Any) -> type[grown.TwoLayerNetwork]:
    """grown.TwoLayerNetwork whose activation (relu=, tanh=) or loss (loss=) classes are the
    slip's own."""

    class Network(grown.TwoLayerNetwork):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            name = type(self.activation).__name__.lower()
            if name in layers:
                self.activation = layers[name]()
            if "loss" in layers:
                self.loss = layers["loss"](self.loss.reduction)

    Network.__name__ = Network.__qualname__ = "TwoLayerNetwork"
    return Network
