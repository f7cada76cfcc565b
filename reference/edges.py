"""Judging an implementation at one edge point, graded (reference.verdicts): matches torch,
known divergence, closer to the mathematics, a named convention, or wrong with the evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from reference.layers import EdgePoint, edge_values
from reference.results import Finding, Grade
from reference.verdicts import judge

EXPECTATIONS = ("tutorial", "torch")


@dataclass
class EdgeVerdict:
    known: list[Finding] = field(default_factory=list)  # registered divergences, with causes
    failures: list[Finding] = field(default_factory=list)  # wrong, with the evidence
    notes: list[Finding] = field(default_factory=list)  # passes other than torch's value


def judge_edge(
    point: EdgePoint,
    impl: ModuleType,
    device: str = "cpu",
    path: str = "",
    expect: str = "tutorial",
) -> EdgeVerdict:
    """Each quantity at ``point``, graded (:mod:`reference.verdicts`). An exception the
    implementation raises is a failure too."""
    verdict = EdgeVerdict()
    # The tutorial's formulas warn (overflow, divide by zero) at these inputs, on purpose.
    with np.errstate(all="ignore"):
        try:
            got = edge_values(point, impl, path=path)
        except Exception as exc:
            text = f"{point.layer} raised {exc!r} at the edge input {point.id}" + (
                f" (step path {path})" if path else ""
            )
            verdict.failures.append(
                Finding(
                    point.layer, "raised an exception", Grade.WRONG, type(exc).__name__, text=text
                )
            )
            return verdict
    a = point.arrays()
    for quantity, expected in edge_values(point, None, device).items():
        with np.errstate(all="ignore"):
            v = judge(
                point.layer,
                a,
                quantity,
                got[quantity],
                expected,
                point.dtype,
                expect,
                edge_key=(point.dtype, point.inputs),
            )
        if v.grade == Grade.KNOWN:
            verdict.known.append(v)
        elif v.grade == Grade.WRONG:
            verdict.failures.append(v)
        elif v.grade != Grade.MATCHES_TORCH:
            verdict.notes.append(v)
    return verdict
