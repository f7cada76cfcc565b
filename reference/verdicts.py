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

from typing import Any

import numpy as np

from reference import oracle
from reference.compare import mismatch, observe, what_differs
from reference.diagnosis import diagnose
from reference.divergences import lookup, same_value
from reference.records import Record
from reference.results import Evidence, Finding, Grade, Value
from reference.subject import load_impl
from reference.tolerances import tolerance

# The verdicts, by the grades of reference.results.
PASS, CLOSER, CONVENTION, KNOWN, WRONG = (
    Grade.MATCHES_TORCH,
    Grade.CLOSER,
    Grade.CONVENTION,
    Grade.KNOWN,
    Grade.WRONG,
)


# What the runner expects at the tutorial's registered divergences: the tutorial's values
# (known divergences) or torch's (failures).
EXPECTATIONS = ("tutorial", "torch")


def tutorial_value(record: Record, a: dict[str, np.ndarray], quantity: str) -> Any:
    """The tutorial's value (the record's tutorial-style implementation: scratch, or
    scratch.grown for what the tutorial lacks); None where it raises on these inputs."""
    try:
        with np.errstate(all="ignore"):
            copy = {k: v.copy() for k, v in a.items()}
            return record.partials(load_impl(record.tutorial), copy, "")[quantity]
    except Exception:
        return None


def evidence(
    record: Record, a: dict[str, np.ndarray], quantity: str, got: Any, torch: Any, dtype: Any
) -> Evidence:
    """The input, both values, the exact value and each side's error against it, in ulps."""
    got_a, torch_a = np.asarray(got), np.asarray(torch)
    tol = tolerance(dtype, quantity)
    base = Evidence(
        inputs={k: Value.of(v) for k, v in a.items()},
        got=Value.of(got_a) if got_a.dtype != object else None,
        torch=Value.of(torch_a),
        differs_in=what_differs(got_a, torch_a),
        rtol=tol.rtol,
        atol=tol.atol,
    )
    exact = oracle.exact(record, a, quantity)
    if not exact:
        return base
    math = exact[oracle.MATHEMATICS]
    ulps = {"torch": oracle.ulps(torch, math, dtype)}
    # A value of another size, or not a number (an object that crossed as its repr), has no
    # ulps to count.
    if np.size(got_a) == len(math) and got_a.dtype.kind in "biuf":
        ulps = {"got": oracle.ulps(got_a, math, dtype), **ulps}
    tutorial = tutorial_value(record, a, quantity)
    if tutorial is not None:
        ulps["tutorial"] = oracle.ulps(tutorial, math, dtype)
    nearest = oracle.nearest(math, np.float64, (len(math),))
    clamped = None
    # A loss clamped at 100: where the clamp binds, its derivatives as the clamped function's.
    derivative = quantity.startswith("dL/") or quantity.endswith(" after step")
    if oracle.CLIP_SUM in record.conventions and derivative:
        flat = oracle.exact(record, a, quantity, (oracle.CLAMPED,))[oracle.CLAMPED]
        if any(f != m for f, m in zip(flat, math, strict=True)):
            clamped = tuple(float(v) for v in oracle.nearest(flat, np.float64, (len(flat),)))
            ulps["torch clamped"] = oracle.ulps(torch, flat, dtype)
            if "got" in ulps:
                ulps["got clamped"] = oracle.ulps(got_a, flat, dtype)
    exact_values = tuple(float(v) for v in nearest)
    return Evidence(**{**base.__dict__, "exact": exact_values, "ulps": ulps, "clamped": clamped})


def evidence_line(ev: Evidence, dtype: Any) -> str:
    """The exact value and each side's ulps from it, as the failure reports print them."""
    if ev.exact is None:
        return ""
    shown = np.array2string(np.array(ev.exact), precision=10, threshold=6)
    got = f"{ev.ulps['got']:.3g}" if "got" in ev.ulps else "-"
    line = f"  exact value {shown}; in {np.dtype(dtype).name} ulps from it: got {got}"
    line += f", torch {ev.ulps['torch']:.3g}"
    if "tutorial" in ev.ulps:
        line += f", the tutorial {ev.ulps['tutorial']:.3g}"
    if ev.clamped is not None:
        flat = np.array2string(np.array(ev.clamped), precision=10, threshold=6)
        got = f"{ev.ulps['got clamped']:.3g}" if "got clamped" in ev.ulps else "-"
        line += (
            f"\n  the loss as clamped at 100 is flat here; differentiated as clamped: {flat}; "
            f"ulps from it: got {got}, torch {ev.ulps['torch clamped']:.3g}"
        )
    return line


def summary_line(finding: Finding, dtype: Any, where: str) -> str:
    """One line for a wrong value: what differs, where, the exact value and the ulps, and the
    slip that gives it."""
    ev = finding.evidence
    if ev is None:  # an exception, not a value
        return f"{finding.text} at {where}" if where not in finding.text else finding.text
    parts = [
        f"{finding.layer} {finding.quantity} differs from the reference in {ev.differs_in} "
        f"({np.dtype(dtype).name}, rtol={ev.rtol:g}, atol={ev.atol:g}) at {where}"
    ]
    if ev.exact is not None:
        parts += [line.strip() for line in evidence_line(ev, dtype).splitlines()]
    if ev.got is not None:
        parts.append(slip_line(ev.got.array(), ev.slip).strip())
    return "; ".join(parts)


def slip_line(got: Any, slip: str | None) -> str:
    """The catalogued slip that reproduces the value here, or that none does."""
    shown = np.array2string(np.asarray(got), precision=6, threshold=6)
    if not slip:
        return f"  got {shown}: no catalogued slip gives this value here"
    return f"  got {shown}, which is what the slip '{slip}' gives here"


TUTORIAL_NEARER = "closer to the mathematics than the tutorial"


def as_near_as(
    record: Record,
    a: dict[str, Any],
    quantity: str,
    got: Any,
    theirs: Any,
    dtype: Any,
    times: float,
) -> tuple[float, float] | None:
    """The ulps of ``got`` and of ``theirs`` (a correct formula's value) from the exact value,
    where ``got`` is no further from it than ``times`` the other, which is finitely far (where
    it is infinitely far, nearness means nothing); None otherwise, or with no exact value."""
    exact = oracle.exact(record, a, quantity)
    got_a = np.asarray(got)
    if not exact or got_a.dtype.kind != "f" or got_a.size != len(exact[oracle.MATHEMATICS]):
        return None
    math = exact[oracle.MATHEMATICS]
    mine, other = oracle.ulps(got_a, math, dtype), oracle.ulps(theirs, math, dtype)
    if not (np.isfinite(mine) and np.isfinite(other) and mine <= times * other):
        return None
    return mine, other


def _nearer_than_the_tutorial(
    record: Record, a: dict[str, np.ndarray], quantity: str, got: Any, tutorial: float, dtype: Any
) -> str | None:
    """At a register row, under the tutorial's expectation: a value at least as close to the
    exact value as the tutorial's registered one (a number) is as right as it."""
    if np.size(got) != 1:
        return None
    near = as_near_as(record, a, quantity, got, [tutorial], dtype, times=1.0)
    if near is None:
        return None
    mine, theirs = near
    return (
        f"{quantity}: {TUTORIAL_NEARER} at its registered divergence ({mine:.3g} ulps from the "
        f"exact value, the tutorial's registered value {theirs:.3g})"
    )


def judge(
    record: Record,
    a: dict[str, np.ndarray],
    quantity: str,
    got: Any,
    torch: Any,
    dtype: Any,
    expect: str,
    edge_key: tuple[str, tuple[tuple[str, float], ...]] | None = None,
) -> Finding:
    """The verdict on ``got`` for ``quantity`` at the inputs ``a``; ``edge_key`` (dtype,
    inputs) looks the point up in the register."""
    layer = record.name
    observe(got, torch, layer=layer, quantity=quantity, inputs=a, dtype=dtype)
    report = mismatch(got, torch, layer=layer, quantity=quantity, inputs=a, dtype=dtype)
    if report is None:
        return Finding(layer, quantity, PASS)
    if edge_key is not None:
        row = lookup(layer, edge_key[0], edge_key[1], quantity)
        if row is not None and same_value(got, row.tutorial):
            if expect == "torch":
                text = (
                    f"{report}\n  (the tutorial's divergence {row.cause!r}, which --expect "
                    "torch rules out)"
                )
                ev = evidence(record, a, quantity, got, torch, dtype)
                return Finding(
                    layer, quantity, WRONG, row.cause, cause=row.cause, text=text, evidence=ev
                )
            return Finding(
                layer, quantity, KNOWN, row.cause, cause=row.cause, text=f"{quantity}: {row.cause}"
            )
        if row is not None and expect == "tutorial":
            nearer = _nearer_than_the_tutorial(record, a, quantity, got, row.tutorial, dtype)
            if nearer is not None:
                ev = evidence(record, a, quantity, got, torch, dtype)
                return Finding(layer, quantity, CLOSER, TUTORIAL_NEARER, text=nearer, evidence=ev)
    exact = oracle.exact(record, a, quantity)
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
            ev = evidence(record, a, quantity, got, torch, dtype)
            if expect == "torch":  # right, but not torch's value, which the runner asked for
                text = f"{report}\n  ({text}; --expect torch rules it out)"
                return Finding(layer, quantity, WRONG, how, text=text, evidence=ev)
            return Finding(layer, quantity, CLOSER, how, text=text, evidence=ev)
        named = [c for c in exact if c not in (oracle.MATHEMATICS, oracle.TORCH)]
        for name in named:
            if within(exact[name]) and not within(exact[oracle.TORCH]):
                label = f"the convention '{name}'"
                text = f"{quantity}: {label}"
                ev = evidence(record, a, quantity, got, torch, dtype)
                if expect == "torch":
                    text = f"{report}\n  ({text}, which --expect torch rules out)"
                    return Finding(layer, quantity, WRONG, label, name, text=text, evidence=ev)
                return Finding(layer, quantity, CONVENTION, label, name, text=text, evidence=ev)
    ev = evidence(record, a, quantity, got, torch, dtype)
    slip = diagnose(record, a, quantity, got, torch, dtype)
    ev = Evidence(**{**ev.__dict__, "slip": slip or ""})
    lines = (report, evidence_line(ev, dtype), slip_line(got, slip))
    text = "\n".join(line for line in lines if line)
    return Finding(layer, quantity, WRONG, "wrong", text=text, evidence=ev)


def followed(
    record: Record, a: dict[str, np.ndarray], quantity: str, got: Any, torch: Any, dtype: Any
) -> set[str] | None:
    """The conventions whose value ``got`` is within tolerance of: torch's where it matches
    torch's twin, and each of the record's exact conventions; None where the record has no
    exact value of the quantity (then it rules no convention out)."""
    where = {"layer": record.name, "quantity": quantity, "inputs": {}, "dtype": dtype}
    out = {oracle.TORCH} if mismatch(got, torch, **where) is None else set()
    exact = oracle.exact(record, a, quantity)
    got_a = np.asarray(got)
    if not exact or got_a.dtype.kind != "f":
        return None
    for name, values in exact.items():
        if len(values) == got_a.size:
            near = oracle.nearest(values, got_a.dtype, got_a.shape)
            if mismatch(got_a, near, **where) is None:
                out.add(name)
    return out


def one_convention(
    record: Record,
    a: dict[str, np.ndarray],
    graded: list[tuple[Finding, Any, Any]],
    dtype: Any,
) -> Finding | None:
    """At one input one convention must explain every quantity (the mathematics and torch's
    included): None where one does, else the wrong finding that says which quantity follows
    which. ``graded`` holds each quantity's passing verdict with its value and torch's; the
    tutorial's registered values are its own convention, pinned by the register, and left
    out."""
    if all(f.grade in (PASS, KNOWN) for f, _, _ in graded):
        return None  # torch's values (and the register's) throughout: one convention
    sets: dict[str, set[str]] = {}
    for f, got, torch in graded:
        if f.grade == KNOWN or f.label == TUTORIAL_NEARER:
            continue
        conventions = followed(record, a, f.quantity, got, torch, dtype)
        if conventions is not None:
            sets[f.quantity] = conventions
    if not sets or set.intersection(*sets.values()):
        return None
    first = next(f for f, _, _ in graded if f.grade not in (PASS, KNOWN))
    which = "; ".join(
        f"{q} follows {', '.join(sorted(c)) if c else 'none of them'}" for q, c in sets.items()
    )
    text = (
        f"{record.name} {first.quantity}: no one convention explains every quantity at this "
        f"input ({which})"
    )
    return Finding(record.name, first.quantity, WRONG, "a mix of conventions", text=text)
