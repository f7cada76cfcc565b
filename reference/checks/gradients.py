"""Gradients: each analytic partial against finite differences, the mathematics, not torch.

Every check works in float64 at a random point of the normal domain (the layer record's
sample inputs), along a random direction ``v`` and with a random upstream gradient ``g`` (not
only ``.sum()``), as JAX's check_grads does: the analytic directional derivative
``sum(vjp(g) * v)`` against the central difference ``g · (f(u + eps v) - f(u - eps v)) /
(2 eps)``. A transposed, mis-scaled or mis-signed partial cannot agree with both random.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from types import ModuleType

import numpy as np

from reference.checks.base import Check, Context
from reference.compare import CheckFailure
from reference.records import FDTarget, Record
from reference.records.record import Shape
from reference.tolerances import tolerance

EPS = 1e-6
FD_SEEDS = range(8)


def directional(
    layer: Record, target: FDTarget, impl: ModuleType, seed: int, shape: Shape
) -> tuple[float, float]:
    """(analytic, central difference) of ``target`` at the record's sample point ``seed``."""
    a = layer.sample(seed, shape, np.float64)
    rng = np.random.default_rng(1000 + seed)
    v = rng.normal(size=a[target.wrt].shape)
    out = np.asarray(target.forward(impl, a), np.float64)
    g = rng.normal(size=out.shape)
    analytic = float(np.sum(target.vjp(impl, a, g) * v))

    def f(t: float) -> np.ndarray:
        moved = {**a, target.wrt: a[target.wrt] + t * v}
        return np.asarray(target.forward(impl, moved), np.float64)

    return analytic, float(np.sum(g * (f(EPS) - f(-EPS))) / (2 * EPS))


def fd_report(
    record: Record, target: FDTarget, seed: int, shape: Shape, analytic: float, numeric: float
) -> str | None:
    """None where the analytic directional derivative agrees with the central difference;
    else the report."""
    tol = tolerance(np.float64, "finite differences")
    if abs(analytic - numeric) <= tol.atol + tol.rtol * abs(numeric):
        return None
    return (
        f"{record.name} {target.quantity} disagrees with finite differences (float64, seed "
        f"{seed}, shape {'x'.join(map(str, shape))}): {target.reads} gives g·Jv = {analytic!r}, "
        f"the central difference of the forward pass {numeric!r}, abs error "
        f"{abs(analytic - numeric):.3g} (rtol={tol.rtol:g}, atol={tol.atol:g})"
    )


def fd_error(
    record: Record, target: FDTarget, impl: ModuleType, seed: int, shape: Shape
) -> str | None:
    """None where the partial agrees with finite differences; else the report."""
    return fd_report(record, target, seed, shape, *directional(record, target, impl, seed, shape))


def _check(check_id: str, record: Record, target: FDTarget, seed: int, shape: Shape) -> Check:
    def drive(impl: ModuleType) -> tuple[float, float]:
        return directional(record, target, impl, seed, shape)

    def judge(values: tuple[float, float]) -> None:
        error = fd_report(record, target, seed, shape, float(values[0]), float(values[1]))
        if error is not None:
            raise CheckFailure(error, record.name, target.quantity)

    return Check(check_id, record.needs, drive, judge)


def generate(ctx: Context) -> Iterator[Check]:
    for record in ctx.records:
        for target, (shape_id, shape), seed in itertools.product(
            record.fd, record.shapes.items(), record.fd_seeds or FD_SEEDS
        ):
            yield _check(
                f"fd-{record.name}-{target.quantity}-{shape_id}-seed{seed}",
                record,
                target,
                seed,
                shape,
            )
