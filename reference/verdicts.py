"""Graded verdicts: what a value that differs from torch's is, with the evidence.

A value within tolerance of torch's matches torch. One that is not is, in this order:

- **a registered divergence** of the tutorial, where it equals the register's tutorial value
  exactly (an expected failure under ``expect="tutorial"``, a failure under ``"torch"``);
- **closer to the mathematics than torch**: within tolerance of the exact value and nearer to
  it than torch's value (a pass, reported as such; a failure under ``"torch"``, which asks for
  torch's values);
- **a named convention** other than torch's (the tutorial's clip of the finished loss, a
  Keras-style eps-clip of yhat): a pass reported with its name, a failure under ``"torch"``;
- **wrong**: anything else, NaN or inf where torch and the mathematics are finite included,
  reported with the exact value and the error of the value, of torch's and of the tutorial's
  against it, in ulps of the dtype.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from reference import oracle
from reference.compare import mismatch
from reference.diagnosis import diagnose
from reference.divergences import lookup, same_value

PASS, CLOSER, CONVENTION, KNOWN, WRONG = "pass", "closer", "convention", "known", "wrong"


@dataclass(frozen=True)
class Verdict:
    grade: str  # PASS, CLOSER, CONVENTION, KNOWN or WRONG
    text: str = ""  # the report (WRONG), the cause (KNOWN), or what was found (the others)


def _tutorial_value(layer: str, a: dict[str, np.ndarray], quantity: str) -> Any:
    """The tutorial's value (scratch, or scratch.grown for what the tutorial lacks)."""
    from reference.grown import records_named, tutorial_impl

    for record in records_named(layer):
        try:
            with np.errstate(all="ignore"):
                copy = {k: v.copy() for k, v in a.items()}
                return record.partials(tutorial_impl(record), copy, "")[quantity]
        except Exception:  # the tutorial raises on these inputs, or this record does not fit
            continue
    return None


def evidence(
    layer: str, a: dict[str, np.ndarray], quantity: str, got: Any, torch: Any, dtype: Any
) -> str:
    """The exact value and each side's error against it, in ulps of the dtype."""
    exact = oracle.exact(layer, a, quantity)
    if not exact:
        return ""
    math = exact[oracle.MATHEMATICS]
    shown = np.array2string(
        oracle.nearest(math, np.float64, (len(math),)), precision=10, threshold=6
    )
    name = np.dtype(dtype).name
    # A value of another size has no ulps to count (the report names its shape).
    got_ulps = f"{oracle.ulps(got, math, dtype):.3g}" if np.size(got) == len(math) else "-"
    line = f"  exact value {shown}; in {name} ulps from it: got {got_ulps}"
    line += f", torch {oracle.ulps(torch, math, dtype):.3g}"
    tutorial = _tutorial_value(layer, a, quantity)
    if tutorial is not None:
        line += f", the tutorial {oracle.ulps(tutorial, math, dtype):.3g}"
    return line


def judge(
    layer: str,
    a: dict[str, np.ndarray],
    quantity: str,
    got: Any,
    torch: Any,
    dtype: Any,
    expect: str,
    edge_key: tuple[str, tuple[tuple[str, float], ...]] | None = None,
) -> Verdict:
    """The verdict on ``got`` for ``quantity`` at the inputs ``a``; ``edge_key`` (dtype,
    inputs) looks the point up in the register."""
    report = mismatch(got, torch, layer=layer, quantity=quantity, inputs=a, dtype=dtype)
    if report is None:
        return Verdict(PASS)
    if edge_key is not None:
        row = lookup(layer, edge_key[0], edge_key[1], quantity)
        if row is not None and same_value(got, row.tutorial):
            if expect == "torch":
                return Verdict(
                    WRONG,
                    f"{report}\n  (the tutorial's divergence {row.cause!r}, which --expect "
                    "torch rules out)",
                )
            return Verdict(KNOWN, f"{quantity}: {row.cause}")
    exact = oracle.exact(layer, a, quantity)
    got_a = np.asarray(got)
    finite = (
        np.all(np.isfinite(np.asarray(got_a, np.float64))) if got_a.dtype.kind == "f" else False
    )
    torch_a = np.asarray(torch)
    # Only a value of torch's shape and dtype can be right differently; another dtype or
    # shape is wrong whatever its value.
    if exact and got_a.shape == torch_a.shape and got_a.dtype == torch_a.dtype and finite:
        shape = got_a.shape
        math = exact[oracle.MATHEMATICS]

        def within(values: list[Any]) -> bool:
            near = oracle.nearest(values, got_a.dtype, shape)
            return (
                mismatch(got_a, near, layer=layer, quantity=quantity, inputs={}, dtype=dtype)
                is None
            )

        if within(math):
            got_ulps, torch_ulps = oracle.ulps(got_a, math, dtype), oracle.ulps(torch, math, dtype)
            how = (
                "closer to the mathematics than torch"
                if got_ulps <= torch_ulps
                else ("within tolerance of the mathematics, though torch is nearer")
            )
            text = (
                f"{quantity}: {how} ({got_ulps:.3g} ulps from the exact value, torch "
                f"{torch_ulps:.3g})"
            )
            if expect == "torch":  # right, but not torch's value, which the runner asked for
                return Verdict(WRONG, f"{report}\n  ({text}; --expect torch rules it out)")
            return Verdict(CLOSER, text)
        for name in oracle.NAMED:
            if name in exact and within(exact[name]) and not within(exact[oracle.TORCH]):
                text = f"{quantity}: the convention '{name}'"
                if expect == "torch":
                    return Verdict(WRONG, f"{report}\n  ({text}, which --expect torch rules out)")
                return Verdict(CONVENTION, text)
    text = report + "\n" + evidence(layer, a, quantity, got, torch, dtype)
    slip = diagnose(layer, a, quantity, got, torch, dtype)
    return Verdict(WRONG, text + ("\n" + slip if slip else ""))
