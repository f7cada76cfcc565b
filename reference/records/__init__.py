"""The records: one per layer, each the one declaration of it (:mod:`.record` says what a
record holds). The tutorial's (:mod:`.tutorial`) and the grown derivation's (:mod:`.grown`:
mini-batches, ReLU, Tanh, the two-layer network), in the order a derivation is read."""

from __future__ import annotations

from reference.records.grown import ACTIVATIONS, GROWN, REDUCTIONS
from reference.records.record import (
    DTYPES,
    LEARNING_RATES,
    SEEDS,
    SHAPES,
    EdgePoint,
    ErrorCase,
    FDTarget,
    NamedInput,
    Network,
    Record,
    edge_points,
    edge_values,
    network_sample,
)
from reference.records.tutorial import TUTORIAL

ALL: tuple[Record, ...] = (*TUTORIAL, *GROWN)

__all__ = [
    "ACTIVATIONS",
    "ALL",
    "DTYPES",
    "GROWN",
    "LEARNING_RATES",
    "REDUCTIONS",
    "SEEDS",
    "SHAPES",
    "TUTORIAL",
    "EdgePoint",
    "ErrorCase",
    "FDTarget",
    "NamedInput",
    "Network",
    "Record",
    "edge_points",
    "edge_values",
    "network_sample",
]
