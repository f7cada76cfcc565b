"""Golden trajectories: torch run live must still give them, with the pinned stack."""

from __future__ import annotations

import numpy as np
import pytest

from reference.compare import assert_match
from reference.golden import (
    GOLDEN_RUNS,
    TWO_LAYER_RUNS,
    load,
    make,
    same_stack,
    torch_run,
    versions,
)

# The short runs (20 of 200 epochs) retrain torch for 3 s of the fast loop: CI runs them.
RUNS = [
    pytest.param(name, marks=[pytest.mark.slow] if name.startswith("short-") else [])
    for name in GOLDEN_RUNS
]


@pytest.mark.parametrize("name", RUNS)
def test_reference_still_gives_the_golden_run(name: str) -> None:
    golden = load(name)
    seed, lr, epochs, dtype = GOLDEN_RUNS[name]
    assert golden["settings"] == {"seed": seed, "lr": lr, "epochs": epochs, "dtype": dtype}
    live = torch_run(seed, lr, epochs, dtype)
    where = {"layer": "torch.nn", "inputs": golden["settings"], "dtype": dtype}
    for key in ("losses", "W", "b"):
        assert_match(
            np.array(live[key]), np.array(golden[key]), quantity="reference drift", **where
        )


@pytest.mark.parametrize(
    "name",
    [  # one in the fast loop, the rest in CI's
        pytest.param(name, marks=[pytest.mark.slow] if k else [])
        for k, name in enumerate(TWO_LAYER_RUNS)
    ],
)
def test_reference_still_gives_the_two_layer_run(name: str) -> None:
    golden, live = load(name), make(name)
    assert golden["settings"] == live["settings"]
    where = {
        "layer": "torch.nn",
        "inputs": golden["settings"],
        "dtype": golden["settings"]["dtype"],
    }
    for key in ("losses", "W1", "b1", "W2", "b2"):
        assert_match(
            np.array(live[key]), np.array(golden[key]), quantity="reference drift", **where
        )


def test_golden_versions_are_the_pinned_stack() -> None:
    """The golden figures were made with the versions in constraints.txt (a local build
    suffix such as +cpu aside)."""
    for name in [*GOLDEN_RUNS, *TWO_LAYER_RUNS]:
        recorded = load(name)["versions"]
        assert same_stack(
            {k: recorded[k] for k in ("torch", "numpy")},
            {k: versions()[k] for k in ("torch", "numpy")},
        ), f"{name}: made with {recorded}, running {versions()}"


def test_same_stack_ignores_only_the_local_suffix() -> None:
    assert same_stack({"torch": "2.13.0+cpu"}, {"torch": "2.13.0"})
    assert not same_stack({"torch": "2.13.0+cpu"}, {"torch": "2.13.1"})
