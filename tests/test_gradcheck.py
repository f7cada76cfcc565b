"""Each analytic partial against central finite differences in float64, independent of torch."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import scratch
from reference.cases import SHAPES
from reference.gradcheck import FD_CHECKS, FDCheck
from reference.tolerances import tolerance

FD_TOL = tolerance(np.float64, "finite differences")

FD_SEEDS = range(8)


def fd_error(check: FDCheck, impl: ModuleType, seed: int, shape: tuple[int, int]) -> str | None:
    analytic, numeric = check.directional(impl, np.random.default_rng(seed), shape)
    if abs(analytic - numeric) <= FD_TOL.atol + FD_TOL.rtol * abs(numeric):
        return None
    return (
        f"{check.layer} {check.quantity} disagrees with finite differences (seed {seed}, "
        f"shape {shape}): analytic g·Jv = {analytic!r}, central difference {numeric!r}, "
        f"abs error {abs(analytic - numeric):.3g}"
    )


@pytest.mark.parametrize("seed", FD_SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("check", FD_CHECKS, ids=lambda c: c.id)
def test_partial_matches_finite_differences(
    impl: ModuleType, check: FDCheck, shape: tuple[int, int], seed: int
) -> None:
    error = fd_error(check, impl, seed, shape)
    assert error is None, error


# Breaking a partial: the three slips of a hand derivation.
MUTATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sign": np.negative,
    "factor": lambda a: 2 * a,
    "square": np.square,
}

# check id -> (class, method, partial field) of scratch that the check reads.
TARGETS = {
    "BinaryCrossEntropyLoss-dL/dyhat": ("BinaryCrossEntropyLoss", "backwards", "output_wrt_yhat"),
    "Sigmoid-dyhat/dz": ("Sigmoid", "backward", "output_wrt_x"),
    "Linear-dz/dW": ("Linear", "backward", "output_wrt_weight"),
    "Linear-dz/db": ("Linear", "backward", "output_wrt_bias"),
}


def mutant(
    cls_name: str, method: str, field: str, mutation: Callable[[np.ndarray], np.ndarray]
) -> ModuleType:
    """scratch with one partial of one layer broken."""
    base = getattr(scratch, cls_name)

    def broken(self, *args):
        partials = getattr(base, method)(self, *args)
        return dataclasses.replace(partials, **{field: mutation(getattr(partials, field))})

    module = ModuleType(f"scratch_broken_{cls_name}_{method}")
    module.__dict__.update({k: getattr(scratch, k) for k in scratch.__all__})
    setattr(module, cls_name, type(cls_name, (base,), {method: broken}))
    return module


def update_mutant(which: str, mutation: Callable[[np.ndarray], np.ndarray]) -> ModuleType:
    """scratch whose update_weights applies a broken gradient to W or b."""

    class MyNetwork(scratch.MyNetwork):
        def update_weights(self, x: np.ndarray, y: np.ndarray, lr: float) -> None:
            attr = "weight" if which == "W" else "bias"
            before = getattr(self.linear1, attr)
            super().update_weights(x, y, lr)
            grad = (before - getattr(self.linear1, attr)) / lr
            setattr(self.linear1, attr, before - lr * mutation(grad))

    module = ModuleType(f"scratch_broken_update_{which}")
    module.__dict__.update({k: getattr(scratch, k) for k in scratch.__all__})
    module.MyNetwork = MyNetwork  # type: ignore[attr-defined]
    return module


def _mutants() -> list[Any]:
    cases = []
    for check in FD_CHECKS:
        for name, mutation in MUTATIONS.items():
            if check.id == "Linear-dz/db" and name == "square":
                continue  # equivalent: dz/db is all ones, and 1**2 == 1
            cases.append(pytest.param(check, name, mutation, id=f"{check.id}-{name}"))
    return cases


@pytest.mark.parametrize(("check", "name", "mutation"), _mutants())
def test_finite_differences_catch_a_broken_partial(
    check: FDCheck,
    name: str,
    mutation: Callable,
) -> None:
    """Each check fails once its partial (or, for the network, any partial it chains, or the
    update) is broken by a sign, a factor of 2 or a square."""
    if check.id in TARGETS:
        broken = mutant(*TARGETS[check.id], mutation)
    elif check.quantity.endswith("update"):
        broken = update_mutant(check.quantity.split()[0], mutation)
    else:  # the chained network gradient: break the loss's partial, which it chains
        broken = mutant(*TARGETS["BinaryCrossEntropyLoss-dL/dyhat"], mutation)
    errors = [fd_error(check, broken, seed, SHAPES["3x4"]) for seed in range(3)]
    assert any(errors), f"{name} slip in {check.id} passed the finite-difference check"
