"""Golden trajectories: the torch reference's training runs, with the versions that made them.

Package data (``reference/data/golden/*.json``); ``python -m tools golden`` regenerates them
and says what changed. The checks compare an implementation with these files, and a self-test
compares torch run live with them, so that a change in the reference itself is noticed as
well as a change in the derivation.
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict
from importlib import resources
from typing import Any

import numpy as np

from reference.training import Setup
from reference.twin import SequentialTwin, TorchTwin
from scratch.data import IN_FEATURES, OUT_FEATURES, samples

__all__ = [
    "GOLDEN_RUNS",
    "TWO_LAYER_RUNS",
    "initial_weights",
    "load",
    "make",
    "runs",
    "samples",
    "torch_run",
    "versions",
]

# name -> (seed, lr, epochs, dtype): the tutorial's run, a few long ones, and a grid of short
# ones (5 seeds, 2 learning rates, 2 dtypes, 100 epochs: the long run, reference.checks.runs,
# goes past the longest of them) that the checks train every implementation on.
GOLDEN_RUNS: dict[str, tuple[int, float, int, str]] = {
    "tutorial": (42, 0.01, 2000, "float32"),
    "tutorial-float64": (42, 0.01, 500, "float64"),
    "seed1-lr0.03": (1, 0.03, 300, "float32"),
    "seed3-lr0.1-float64": (3, 0.1, 300, "float64"),
    **{
        f"short-{dtype}-seed{seed}-lr{lr:g}": (seed, lr, 100, dtype)
        for dtype in ("float32", "float64")
        for seed in range(5)
        for lr in (0.01, 0.03)
    },
}


# name -> (setup, seed, lr, epochs, dtype): the two-layer network's runs, in mini-batches and
# per sample, on the tutorial's data and on XOR (which needs the hidden layer).
TWO_LAYER_RUNS: dict[str, tuple[Setup, int, float, int, str]] = {
    "two-layer-relu-sum-b4-tutorial": (
        Setup("two-layer", 8, "relu", "sum", 4, "tutorial"),
        42,
        0.01,
        100,
        "float32",
    ),
    "two-layer-tanh-mean-b8-xor": (
        Setup("two-layer", 8, "tanh", "mean", 8, "xor"),
        0,
        0.5,
        100,
        "float32",
    ),
    "two-layer-sigmoid-sum-b1-xor-float64": (
        Setup("two-layer", 4, "sigmoid", "sum", 1, "xor"),
        1,
        0.1,
        30,
        "float64",
    ),
    "two-layer-relu-mean-b32-xor-float64": (
        Setup("two-layer", 16, "relu", "mean", 32, "xor"),
        2,
        1.0,
        200,
        "float64",
    ),
}


def runs(kind: str) -> dict[str, tuple[Setup, int, float, int, str]]:
    """A network's stored runs by name, each (setup, seed, lr, epochs, dtype)."""
    if kind == "tutorial":
        return {name: (Setup(), *run) for name, run in GOLDEN_RUNS.items()}
    return dict(TWO_LAYER_RUNS)


def two_layer_torch_run(
    setup: Setup, seed: int, lr: float, epochs: int, dtype: str
) -> dict[str, Any]:
    """torch's run of the setup from its initial weights (reference.training.Setup)."""
    params = setup.initial_params(seed, dtype)
    twin = SequentialTwin(setup.specs(params), setup.reduction, lr, "cpu", dtype)
    data = setup.batches(dtype)
    losses = [sum(twin.step(x, y) for x, y in data) for _ in range(epochs)]
    return {"losses": losses, **{k: v.tolist() for k, v in twin.params().items()}}


def initial_weights(seed: int, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's Linear init under np.random.seed(seed): randn float32, then cast."""
    np.random.seed(seed)
    weight = np.random.randn(OUT_FEATURES, IN_FEATURES).astype(np.float32)
    bias = np.random.randn(OUT_FEATURES).astype(np.float32)
    return weight.astype(dtype), bias.astype(dtype)


def torch_run(seed: int, lr: float, epochs: int, dtype: str) -> dict[str, Any]:
    weight, bias = initial_weights(seed, dtype)
    twin = TorchTwin(weight, bias, lr, "cpu", dtype)
    data = samples(dtype)
    losses = [sum(twin.step(x, y) for x, y in data) for _ in range(epochs)]
    return {"losses": losses, "W": twin.weight.tolist(), "b": twin.bias.tolist()}


def versions() -> dict[str, str]:
    import torch  # the stack that made the data; never loaded in an implementation's process

    return {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def make(name: str) -> dict[str, Any]:
    if name in TWO_LAYER_RUNS:
        setup, seed, lr, epochs, dtype = TWO_LAYER_RUNS[name]
        settings = {**asdict(setup), "seed": seed, "lr": lr, "epochs": epochs, "dtype": dtype}
        return {
            "settings": settings,
            "versions": versions(),
            **two_layer_torch_run(setup, seed, lr, epochs, dtype),
        }
    seed, lr, epochs, dtype = GOLDEN_RUNS[name]
    settings = {"seed": seed, "lr": lr, "epochs": epochs, "dtype": dtype}
    return {"settings": settings, "versions": versions(), **torch_run(seed, lr, epochs, dtype)}


def load(name: str) -> dict[str, Any]:
    text = resources.files("reference").joinpath(f"data/golden/{name}.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def same_stack(recorded: dict[str, str], current: dict[str, str]) -> bool:
    """The same versions, a local build suffix aside (``2.13.0+cpu`` is ``2.13.0``)."""
    return {k: v.split("+")[0] for k, v in recorded.items()} == {
        k: v.split("+")[0] for k, v in current.items()
    }
