"""Golden trajectories: torch run live must still give them, and the implementation must match."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from reference import impl as impl_side
from reference.compare import assert_match
from reference.golden import GOLDEN_RUNS, initial_weights, load, torch_run, versions
from scratch.data import samples


@pytest.mark.parametrize("name", GOLDEN_RUNS)
def test_reference_still_gives_the_golden_run(name: str) -> None:
    golden = load(name)
    seed, lr, epochs, dtype = GOLDEN_RUNS[name]
    assert golden["settings"] == {"seed": seed, "lr": lr, "epochs": epochs, "dtype": dtype}
    live = torch_run(seed, lr, epochs, dtype)
    where = {"layer": "torch.nn", "inputs": golden["settings"], "dtype": dtype}
    assert_match(
        np.array(live["losses"]),
        np.array(golden["losses"]),
        quantity="reference drift",
        **where,
    )
    assert_match(np.array(live["W"]), np.array(golden["W"]), quantity="reference drift", **where)


def test_golden_versions_are_the_pinned_stack() -> None:
    """The golden figures were made with the versions in constraints.txt."""
    for name in GOLDEN_RUNS:
        recorded = load(name)["versions"]
        assert recorded["torch"].split("+")[0] == versions()["torch"].split("+")[0]
        assert recorded["numpy"] == versions()["numpy"]


@pytest.mark.parametrize("name", GOLDEN_RUNS)
def test_implementation_matches_the_golden_run(impl: ModuleType, name: str) -> None:
    golden = load(name)
    seed, lr, epochs, dtype = GOLDEN_RUNS[name]
    weight, bias = initial_weights(seed, dtype)
    net = impl_side.new_network(impl, weight, bias)
    data = samples(dtype)
    losses = [
        sum(float(impl_side.step(net, x, y, lr)["loss"]) for x, y in data) for _ in range(epochs)
    ]
    where = {"layer": "MyNetwork", "inputs": golden["settings"], "dtype": dtype}
    assert_match(np.array(losses), np.array(golden["losses"]), quantity="trajectory", **where)
    assert_match(
        net.linear1.weight, np.array(golden["W"], dtype), quantity="trained weights", **where
    )
    assert_match(
        net.linear1.bias, np.array(golden["b"], dtype), quantity="trained weights", **where
    )
