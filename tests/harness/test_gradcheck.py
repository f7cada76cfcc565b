"""The finite-difference checks notice a broken partial: each target of each layer record,
with its partial broken by the three slips of a hand derivation (a sign, a factor, a square)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import scratch
from reference.checks.gradients import fd_error
from reference.records import SHAPES, TUTORIAL, FDTarget, Record

MUTATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sign": np.negative,
    "factor": lambda a: 2 * a,
    "square": np.square,
}


def with_broken_partial(reads: str, mutation: Callable[[np.ndarray], np.ndarray]) -> ModuleType:
    """scratch with the attribute ``reads`` names ("Class.method(...).field") broken; the
    chained network gradients read every layer, so their slip is in the loss's partial."""
    if reads == "the layers' partials, chained":
        reads = "BinaryCrossEntropyLoss.backwards(...).output_wrt_yhat"
    module = ModuleType("scratch_broken")
    module.__dict__.update({k: getattr(scratch, k) for k in scratch.__all__})
    if reads == "MyNetwork.update_weights":
        return module  # broken by with_broken_update instead
    cls_name, rest = reads.split(".", 1)
    method, field = rest.split("(...).")
    base = getattr(scratch, cls_name)

    def broken(self: Any, *args: Any) -> Any:
        partials = getattr(base, method)(self, *args)
        return dataclasses.replace(partials, **{field: mutation(getattr(partials, field))})

    setattr(module, cls_name, type(cls_name, (base,), {method: broken}))
    return module


def with_broken_update(which: str, mutation: Callable[[np.ndarray], np.ndarray]) -> ModuleType:
    """scratch whose update_weights applies a broken gradient to W or b."""

    class MyNetwork(scratch.MyNetwork):
        def update_weights(self, x: np.ndarray, y: np.ndarray, lr: float) -> None:
            attr = "weight" if which == "W" else "bias"
            before = getattr(self.linear1, attr)
            super().update_weights(x, y, lr)
            grad = (before - getattr(self.linear1, attr)) / lr
            setattr(self.linear1, attr, before - lr * mutation(grad))

    module = ModuleType("scratch_broken_update")
    module.__dict__.update({k: getattr(scratch, k) for k in scratch.__all__})
    module.MyNetwork = MyNetwork  # type: ignore[attr-defined]
    return module


def _cases() -> list[Any]:
    cases = []
    for layer in TUTORIAL:
        for target in layer.fd:
            for name, mutation in MUTATIONS.items():
                if target.quantity == "dz/db" and name == "square":
                    continue  # equivalent: dz/db is all ones, and 1**2 == 1
                cases.append(
                    pytest.param(
                        layer, target, mutation, id=f"{layer.name}-{target.quantity}-{name}"
                    )
                )
    return cases


@pytest.mark.parametrize(("layer", "target", "mutation"), _cases())
def test_finite_differences_catch_a_broken_partial(
    layer: Record, target: FDTarget, mutation: Callable[[np.ndarray], np.ndarray]
) -> None:
    if target.reads == "MyNetwork.update_weights":
        broken = with_broken_update(target.wrt, mutation)
    else:
        broken = with_broken_partial(target.reads, mutation)
    errors = [fd_error(layer, target, broken, seed, SHAPES["3x4"]) for seed in range(3)]
    assert any(errors), f"the broken {target.reads} passed the finite-difference check"
    assert all(fd_error(layer, target, scratch, seed, SHAPES["3x4"]) is None for seed in range(3))
