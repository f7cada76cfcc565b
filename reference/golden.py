"""Golden trajectories: the torch reference's training runs, with the versions that made them.

``python -m reference golden`` regenerates ``tests/golden/*.json`` and says what changed;
the tests compare torch run live, and any implementation, with these files, so that a change
in the reference itself is noticed as well as a change in the derivation.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

import numpy as np
import torch

from reference.twin import TorchTwin
from scratch.data import IN_FEATURES, OUT_FEATURES, samples

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "tests" / "golden"

# name -> (seed, lr, epochs, dtype)
GOLDEN_RUNS: dict[str, tuple[int, float, int, str]] = {
    "tutorial": (42, 0.01, 2000, "float32"),
    "tutorial-float64": (42, 0.01, 500, "float64"),
    "seed1-lr0.03": (1, 0.03, 300, "float32"),
    "seed3-lr0.1-float64": (3, 0.1, 300, "float64"),
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
    data: dict[str, Any] = json.loads((GOLDEN_DIR / f"{name}.json").read_text())
    return data


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    keys = ("settings", "versions")
    out = [f"{k}: {old.get(k)} -> {new[k]}" for k in keys if old.get(k) != new[k]]
    for key in ("losses", "W", "b"):
        a, b = np.asarray(old.get(key, []), float), np.asarray(new[key], float)
        if a.shape != b.shape:
            out.append(f"{key}: shape {a.shape} -> {b.shape}")
        elif not np.array_equal(a, b):
            n = int(np.sum(a != b))
            out.append(f"{key}: {n} values changed, largest by {np.max(np.abs(a - b)):.3g}")
    return out


def regenerate() -> int:
    """Write every golden file; print what changed. Returns the number of files changed."""
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    changed = 0
    for name in GOLDEN_RUNS:
        path = GOLDEN_DIR / f"{name}.json"
        new = make(name)
        old = json.loads(path.read_text()) if path.exists() else {}
        changes = _changes(old, new) if old else ["new file"]
        path.write_text(json.dumps(new, indent=1) + "\n")
        print(f"{path.name}: " + ("; ".join(changes) if changes else "unchanged"))
        changed += bool(changes)
    return changed
