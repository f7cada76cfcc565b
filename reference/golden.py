"""Golden trajectories: the torch reference's training runs, with the versions that made them.

Package data (``reference/data/golden/*.json``); ``python -m tools golden`` regenerates them
and says what changed. The checks compare an implementation with these files, and a self-test
compares torch run live with them, so that a change in the reference itself is noticed as
well as a change in the derivation.
"""

from __future__ import annotations

import json
import platform
from importlib import resources
from typing import Any

import numpy as np
import torch

from reference.twin import TorchTwin
from scratch.data import IN_FEATURES, OUT_FEATURES, samples

__all__ = ["GOLDEN_RUNS", "initial_weights", "load", "make", "samples", "torch_run", "versions"]

# name -> (seed, lr, epochs, dtype): the tutorial's run, a few long ones, and a grid of short
# ones (5 seeds, 2 learning rates, 2 dtypes) that the checks train every implementation on.
GOLDEN_RUNS: dict[str, tuple[int, float, int, str]] = {
    "tutorial": (42, 0.01, 2000, "float32"),
    "tutorial-float64": (42, 0.01, 500, "float64"),
    "seed1-lr0.03": (1, 0.03, 300, "float32"),
    "seed3-lr0.1-float64": (3, 0.1, 300, "float64"),
    **{
        f"short-{dtype}-seed{seed}-lr{lr:g}": (seed, lr, 200, dtype)
        for dtype in ("float32", "float64")
        for seed in range(5)
        for lr in (0.01, 0.03)
    },
}


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
    return {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def make(name: str) -> dict[str, Any]:
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
