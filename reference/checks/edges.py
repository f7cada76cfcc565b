"""Edges: each layer at its edge inputs (saturated logits, predictions at 0 and 1, ReLU at
0), each quantity graded (reference.verdicts): matches torch, a known divergence, closer to
the mathematics, a named convention, or wrong with the evidence. ``verify`` judges its edge
grid here too."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from reference.checks.base import Check, Context, KnownDivergence, Notes
from reference.compare import CheckFailure
from reference.records import EdgePoint, edge_points, edge_values
from reference.results import Finding, Grade
from reference.verdicts import judge, one_convention


@dataclass
class EdgeVerdict:
    known: list[Finding] = field(default_factory=list)  # registered divergences, with causes
    failures: list[Finding] = field(default_factory=list)  # wrong, with the evidence
    notes: list[Finding] = field(default_factory=list)  # passes other than torch's value


def edge_outcome(point: EdgePoint, impl: ModuleType, path: str = "") -> dict[str, Any]:
    """The implementation's side at an edge point: its values of the checked quantities, or
    the exception it raised (its repr)."""
    # The tutorial's formulas warn (overflow, divide by zero) at these inputs, on purpose.
    with np.errstate(all="ignore"):
        try:
            return {"values": edge_values(point, impl, path=path)}
        except Exception as exc:
            return {"raised": repr(exc)}


def judge_edge(
    point: EdgePoint,
    outcome: dict[str, Any],
    device: str = "cpu",
    path: str = "",
    expect: str = "tutorial",
) -> EdgeVerdict:
    """Each quantity at ``point`` (the implementation's side's ``outcome``), graded
    (:mod:`reference.verdicts`). An exception the implementation raised is a failure too."""
    verdict = EdgeVerdict()
    if "raised" in outcome:
        text = f"{point.layer} raised {outcome['raised']} at the edge input {point.id}" + (
            f" (step path {path})" if path else ""
        )
        verdict.failures.append(
            Finding(point.layer, "raised an exception", Grade.WRONG, "raised", text=text)
        )
        return verdict
    got = outcome["values"]
    a = point.arrays()
    graded = []
    for quantity, expected in edge_values(point, None, device).items():
        with np.errstate(all="ignore"):
            v = judge(
                point.record,
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
        graded.append((v, got[quantity], expected))
    if not verdict.failures:
        with np.errstate(all="ignore"):
            mix = one_convention(point.record, a, graded, point.dtype)
        if mix is not None:
            verdict.failures.append(mix)
    return verdict


def _check(check_id: str, point: EdgePoint, path: str, device: str, expect: str) -> Check:
    def judge_outcome(outcome: dict[str, Any]) -> Notes:
        verdict = judge_edge(point, outcome, device, path, expect)
        if verdict.failures:
            raise CheckFailure.of(*verdict.failures)
        if verdict.known:
            text = "known divergence " + "; ".join(f.text for f in verdict.known)
            raise KnownDivergence(text, tuple(verdict.known))
        return tuple(verdict.notes)

    return Check(
        check_id, point.record.needs, lambda impl: edge_outcome(point, impl, path), judge_outcome
    )


def generate(ctx: Context) -> Iterator[Check]:
    for point in edge_points(ctx.records):
        record = point.record
        for path, device in itertools.product(ctx.paths(record), ctx.devices):
            suffix = "-".join(p for p in (path, device) if p)
            yield _check(f"edge-{point.id}-{suffix}", point, path, device, ctx.expect)
