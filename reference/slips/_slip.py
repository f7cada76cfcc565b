"""Shared by the slips: the tutorial's network, wired to a slip's own layer classes."""

from __future__ import annotations

from typing import Any

from scratch import tutorial


def network_using(**layers: Any) -> type[tutorial.MyNetwork]:
    """tutorial.MyNetwork whose linear1 / sigmoid / loss are built from the classes given."""

    class MyNetwork(tutorial.MyNetwork):
        def __init__(self, in_features: int, out_features: int) -> None:
            super().__init__(in_features, out_features)
            if "linear" in layers:
                self.linear1 = layers["linear"](in_features, out_features)
            if "sigmoid" in layers:
                self.sigmoid = layers["sigmoid"]()
            if "loss" in layers:
                self.loss = layers["loss"]()

    return MyNetwork
