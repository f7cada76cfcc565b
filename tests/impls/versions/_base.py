"""The tutorial's network built from a version's own layer classes (each layer drawn in the
tutorial's order, so the initial weights are the tutorial's)."""

from __future__ import annotations

from typing import Any

from scratch import tutorial


def network_of(**layers: Any) -> type[tutorial.MyNetwork]:
    class MyNetwork(tutorial.MyNetwork):
        def __init__(self, in_features: int, out_features: int) -> None:
            self.in_features, self.out_features = in_features, out_features
            self.linear1 = layers.get("linear", tutorial.Linear)(in_features, out_features)
            self.sigmoid = layers.get("sigmoid", tutorial.Sigmoid)()
            self.loss = layers.get("loss", tutorial.BinaryCrossEntropyLoss)()

    return MyNetwork
