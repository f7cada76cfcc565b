"""Shared by the grown derivation's slips: scratch.grown's API, with a two-layer network wired
to a slip's own layer classes."""

from __future__ import annotations

from typing import Any, ClassVar

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

    class TwoLayerNetwork(grown.TwoLayerNetwork):
        activations: ClassVar[dict[str, type[Any]]] = {
            name: layers.get(name, cls) for name, cls in grown.ACTIVATIONS.items()
        }
        loss_class = layers.get("loss", grown.BinaryCrossEntropyLoss)

    return TwoLayerNetwork
