"""Partials: every quantity of a layer at its normal-range samples (a grid of shapes, dtypes,
seeds and options, each step path and device), graded against torch; and at a record's named
inputs (the network's summed loss past the clamp)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import numpy as np

from reference.checks.base import Arrays, Check, Context, Notes, graded, option_id
from reference.records import DTYPES, NamedInput, Record


def _copy(a: np.ndarray) -> np.ndarray:
    # A copy: an implementation that changes its inputs is named by the state checks.
    return a.copy()


def sampled(
    check_id: str,
    record: Record,
    seed: int,
    shape: tuple[int, ...],
    dtype: Any,
    options: dict[str, Any],
    path: str,
    device: str,
    expect: str,
    given: Callable[[np.ndarray], np.ndarray] = _copy,
) -> Check:
    """The check of every quantity at one normal-range sample; ``given`` is how each input
    reaches the implementation (a copy; the layout checks: a strided view)."""

    def inputs() -> Arrays:
        a = record.sample(seed, shape, dtype)
        return {**a, **{k: np.array(v) for k, v in options.items()}}

    def drive(impl: ModuleType) -> Arrays:
        return record.partials(impl, {k: given(v) for k, v in inputs().items()}, path)

    def judge(got: Arrays) -> Notes:
        a = inputs()
        return graded(record, a, record.torch_values(a, device), got, dtype, expect)

    return Check(check_id, record.needs, drive, judge)


def generate(ctx: Context) -> Iterator[Check]:
    for record in ctx.records:
        grid = [
            dict(zip(record.grid, v, strict=True)) for v in itertools.product(*record.grid.values())
        ]
        for (shape_id, shape), (dtype_id, dtype), seed, options, path, device in itertools.product(
            record.shapes.items(),
            DTYPES.items(),
            record.seeds,
            grid,
            ctx.paths(record),
            ctx.devices,
        ):
            parts = [record.name, shape_id, dtype_id, f"seed{seed}"]
            parts += [option_id(k, v) for k, v in options.items()] + [p for p in (path,) if p]
            yield sampled(
                "partials-" + "-".join([*parts, device]),
                record,
                seed,
                shape,
                dtype,
                options,
                path,
                device,
                ctx.expect,
            )


def _named_check(
    check_id: str, record: Record, named: NamedInput, dtype: Any, expect: str
) -> Check:
    def drive(impl: ModuleType) -> Arrays:
        return record.partials(impl, named.arrays(dtype), "")

    def judge(got: Arrays) -> Notes:
        a = named.arrays(dtype)
        expected = record.torch_values(a, "cpu")
        checked = {q: expected[q] for q in named.quantities}
        return graded(record, a, checked, got, dtype, expect)

    return Check(check_id, record.needs, drive, judge)


def named_inputs(ctx: Context) -> Iterator[Check]:
    for record in ctx.records:
        for named, (dtype_id, dtype) in itertools.product(record.named_inputs, DTYPES.items()):
            yield _named_check(f"{named.id}-{dtype_id}", record, named, dtype, ctx.expect)
