"""Layout: every quantity of a layer at a normal-range sample whose inputs come as strided
views (every other element of a buffer twice their size), graded against torch at the same
values. NumPy's operations see no difference; code that reads its inputs' memory itself (C
through ``ctypes``, numba, ``np.frombuffer``) may raise or read the wrong elements, as a
column of a matrix (``X[:, 0]``) would make it do. (A transposed, column-major batch is not
one of these layouts.)"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from reference.checks.base import Check, Context
from reference.checks.partials import sampled
from reference.records import DTYPES


def strided(a: np.ndarray) -> np.ndarray:
    """The same values, as a view onto every other element of its last axis's buffer
    (a 0-d array, an option such as the learning rate, as it is)."""
    if a.ndim == 0:
        return a
    return np.repeat(a, 2, axis=-1)[..., ::2]


def generate(ctx: Context) -> Iterator[Check]:
    """Each record at its largest sample shape, in each dtype, by each step path and device."""
    for record in ctx.records:
        shape_id, shape = max(record.shapes.items(), key=lambda item: np.prod(item[1]))
        options = {k: next(iter(v)) for k, v in record.grid.items()}
        seed = record.seeds[0]
        for (dtype_id, dtype), path, device in itertools.product(
            DTYPES.items(), ctx.paths(record), ctx.devices
        ):
            parts = [record.name, shape_id, dtype_id, "strided", path, device]
            check_id = "layout-" + "-".join(p for p in parts if p)
            yield sampled(
                check_id, record, seed, shape, dtype, options, path, device, ctx.expect, strided
            )
