"""Judging an implementation at one edge point: matches torch, known divergence, or failure."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from reference.compare import mismatch
from reference.divergences import lookup, same_value
from reference.layers import EdgePoint, edge_values

EXPECTATIONS = ("tutorial", "torch")


@dataclass
class EdgeVerdict:
    known: list[str] = field(default_factory=list)  # "quantity: cause" of known divergences
    failures: list[str] = field(default_factory=list)  # compare reports, unexplained


def judge_edge(
    point: EdgePoint,
    impl: ModuleType,
    device: str = "cpu",
    path: str = "",
    expect: str = "tutorial",
) -> EdgeVerdict:
    """Each quantity at ``point``: equal to torch within tolerance; else, under ``expect=
    "tutorial"``, equal to the register's tutorial value (a known divergence); else a failure.
    An exception the implementation raises is a failure too."""
    verdict = EdgeVerdict()
    # The tutorial's formulas warn (overflow, divide by zero) at these inputs, on purpose.
    with np.errstate(all="ignore"):
        try:
            got = edge_values(point, impl, path=path)
        except Exception as exc:
            verdict.failures.append(
                f"{point.layer} raised {exc!r} at the edge input {point.id}"
                + (f" (step path {path})" if path else "")
            )
            return verdict
    for quantity, expected in edge_values(point, None, device).items():
        report = mismatch(
            got[quantity],
            expected,
            layer=point.layer,
            quantity=quantity,
            inputs=dict(point.inputs),
            dtype=point.dtype,
        )
        if report is None:
            continue
        row = lookup(point.layer, point.dtype, point.inputs, quantity)
        if row is None or not same_value(got[quantity], row.tutorial):
            verdict.failures.append(report)
        elif expect == "torch":
            verdict.failures.append(
                f"{report}\n  (the tutorial's divergence {row.cause!r}, which --expect torch "
                "rules out)"
            )
        else:
            verdict.known.append(f"{quantity}: {row.cause}")
    return verdict
