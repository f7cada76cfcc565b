"""The divergence register: every known difference between the tutorial's formulas and torch.

Each row is one quantity at one edge input (:func:`reference.records.edge_points`) where the
tutorial's code and torch give different numbers, with both values and a human-written cause.
The rows are generated data (``reference/data/register.json``, with the versions that made
them): ``python -m tools register`` recomputes both values of every row, keeps each row's
cause, and fails on a new differing point that has no cause. The checks read this table to
judge an implementation that reproduces the tutorial's value at a row: an expected failure
under ``--expect tutorial``, a failure under ``--expect torch``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

Key = tuple[str, str, tuple[tuple[str, float], ...], str]


@dataclass(frozen=True)
class Divergence:
    cause: str
    layer: str
    dtype: str
    inputs: dict[str, float]
    quantity: str
    tutorial: float
    torch: float
    within_tolerance: bool  # the two agree within the tolerance table, but not exactly
    exact: str  # the exact value (mpmath), as text
    nearer: str  # which is nearer to it, in ulps: "tutorial", "torch" or "neither"

    @property
    def id(self) -> str:
        args = ",".join(f"{k}={v:.8g}" for k, v in self.inputs.items())
        return f"{self.cause}:{self.layer}-{self.dtype}-{args}-{self.quantity}"

    def key(self) -> Key:
        return (self.layer, self.dtype, tuple(self.inputs.items()), self.quantity)


def read_number(v: float | str) -> float:
    """JSON has no NaN or infinity: the file writes them as "nan", "inf", "-inf"."""
    return float(v)


@cache
def register_data() -> dict[str, Any]:
    text = resources.files("reference").joinpath("data/register.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def causes() -> dict[str, str]:
    return dict(register_data()["causes"])


@cache
def register() -> tuple[Divergence, ...]:
    return tuple(
        Divergence(
            row["cause"],
            row["layer"],
            row["dtype"],
            dict(row["inputs"]),
            row["quantity"],
            read_number(row["tutorial"]),
            read_number(row["torch"]),
            bool(row["within_tolerance"]),
            row["exact"],
            row["nearer"],
        )
        for row in register_data()["rows"]
    )


@cache
def _by_key() -> dict[Key, Divergence]:
    return {row.key(): row for row in register()}


def lookup(
    layer: str, dtype: str, inputs: tuple[tuple[str, float], ...], quantity: str
) -> Divergence | None:
    return _by_key().get((layer, dtype, inputs, quantity))


def same_value(value: Any, expected: float) -> bool:
    """Exact equality of a one-element result with a register value, NaN equal to NaN."""
    got = np.asarray(value).ravel()
    if got.size != 1 or got.dtype.kind not in "biuf":  # None or an object: no register value
        return False
    return bool(np.array_equal(got, [expected], equal_nan=True))


def _number(v: float) -> str:
    return f"{v:.10g}"


def register_markdown() -> str:
    """The register as the README shows it: one table per cause."""
    rows = register()
    beyond = sum(not r.within_tolerance for r in rows)
    versions = ", ".join(f"{k} {v}" for k, v in register_data()["versions"].items())
    nearer = {side: sum(r.nearer == side for r in rows) for side in ("tutorial", "torch")}
    lines = [
        f"{len(rows)} rows: {beyond} beyond the tolerance table (known divergences, the "
        f"expected failures of `--expect tutorial`) and {len(rows) - beyond} within it but not "
        f"equal. Against the exact value (mpmath), the tutorial's is nearer in "
        f"{nearer['tutorial']} rows, torch's in {nearer['torch']}, and neither in "
        f"{len(rows) - sum(nearer.values())} (both infinitely far, or equally far: an "
        f"infinite exact loss, or NaN against a finite value). Made with {versions}.",
        "",
    ]
    for cause, why in causes().items():
        cause_rows = [r for r in rows if r.cause == cause]
        lines += [f"#### `{cause}` ({len(cause_rows)} rows)", "", why, ""]
        lines += [
            "| layer | dtype | input | quantity | tutorial | torch | beyond tolerance "
            "| exact | nearer to it |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in cause_rows:
            args = ", ".join(f"{k}={v:g}" for k, v in r.inputs.items())
            lines.append(
                f"| {r.layer} | {r.dtype} | {args} | {r.quantity} "
                f"| {_number(r.tutorial)} | {_number(r.torch)} "
                f"| {'no' if r.within_tolerance else 'yes'} | {r.exact} | {r.nearer} |"
            )
        lines.append("")
    return "\n".join(lines)
