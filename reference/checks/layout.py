"""Layout: every quantity of a layer at a normal-range sample whose inputs come as strided
views (every other element of a buffer twice their size), graded against torch at the same
values. NumPy's operations see no difference; code that reads its inputs' memory itself (C
through ``ctypes``, numba, ``np.frombuffer``) may raise or read the wrong elements, as a
column of a matrix (``X[:, 0]``) or a transposed batch would make it do."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy as np

from reference.checks.base import Arrays, Check, Context, Notes, graded
from reference.records import DTYPES, Record


def strided(a: np.ndarray) -> np.ndarray:
    """The same values, as a view onto every other element of its last axis's buffer
    (a 0-d array, an option such as the learning rate, as it is)."""
    if a.ndim == 0:
        return a
    return np.repeat(a, 2, axis=-1)[..., ::2]


def _check(
    check_id: str,
    record: Record,
    shape: tuple[int, ...],
    dtype: Any,
    path: str,
    device: str,
    expect: str,
) -> Check:
    seed = record.seeds[0]

    def inputs() -> Arrays:
        options = {k: np.array(next(iter(v))) for k, v in record.grid.items()}
        return {**record.sample(seed, shape, dtype), **options}

    def drive(impl: ModuleType) -> Arrays:
        return record.partials(impl, {k: strided(v) for k, v in inputs().items()}, path)

    def judge(got: Arrays) -> Notes:
        a = inputs()
        return graded(record, a, record.torch_values(a, device), got, dtype, expect)

    return Check(check_id, record.needs, drive, judge)


def generate(ctx: Context) -> Iterator[Check]:
    """Each record at its largest sample shape, in each dtype, by each step path and device."""
    for record in ctx.records:
        shape_id, shape = max(record.shapes.items(), key=lambda item: np.prod(item[1]))
        for (dtype_id, dtype), path, device in itertools.product(
            DTYPES.items(), ctx.paths(record), ctx.devices
        ):
            parts = [record.name, shape_id, dtype_id, "strided", path, device]
            check_id = "layout-" + "-".join(p for p in parts if p)
            yield _check(check_id, record, shape, dtype, path, device, ctx.expect)
