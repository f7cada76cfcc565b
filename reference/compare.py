"""The one compare helper: implementation against reference, with a message that says where."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from reference.results import Finding, Quantity, Value
from reference.tolerances import tolerance

# The quantities compared while a check is judged (observing), in order.
_observed: ContextVar[list[Quantity] | None] = ContextVar("observed", default=None)


@contextmanager
def observing() -> Iterator[list[Quantity]]:
    """Collect every quantity :func:`observe` is told of meanwhile, in order."""
    seen: list[Quantity] = []
    token = _observed.set(seen)
    try:
        yield seen
    finally:
        _observed.reset(token)


def observe(
    got: Any,
    expected: Any,
    *,
    layer: str,
    quantity: str,
    inputs: dict[str, Any],
    dtype: Any,
    tolerance_of: str | None = None,
) -> None:
    """Keep the implementation's value of a quantity and the reference's, if observing: the
    comparisons of the implementation with its reference call this (not those of a
    convention's or a slip's value)."""
    seen = _observed.get()
    if seen is None:
        return
    tol = tolerance(dtype, tolerance_of or quantity)
    got_a = np.asarray(got)
    numbers = got_a.dtype.kind in "biufc"
    seen.append(
        Quantity(
            layer,
            quantity,
            Value.of(got_a) if numbers else None,
            Value.of(expected),
            tol.rtol,
            tol.atol,
            np.dtype(dtype).name,
            {k: Value.of(v) for k, v in inputs.items()},
        )
    )


class CheckFailure(AssertionError):
    """A check found a value that is wrong; ``layer`` and ``quantity`` say which (the first
    wrong one), and ``findings`` hold the evidence where graded verdicts gave it."""

    def __init__(
        self, message: str, layer: str = "", quantity: str = "", findings: tuple[Finding, ...] = ()
    ) -> None:
        super().__init__(message)
        self.layer, self.quantity, self.findings = layer, quantity, findings

    @classmethod
    def of(cls, *findings: Finding) -> CheckFailure:
        """The failure of the wrong quantities found, the first named."""
        text = "\n".join(f.text for f in findings)
        return cls(text, findings[0].layer, findings[0].quantity, findings)


def short(value: Any) -> str:
    """An array as the reports print it: ten digits, its ends where it is long."""
    return np.array2string(np.asarray(value), precision=10, threshold=12, max_line_width=120)


def what_differs(got: np.ndarray, expected: np.ndarray) -> str:
    """The first of shape, dtype, non-finite values, value that tells the two apart."""
    if got.shape != expected.shape:
        return f"shape: got {got.shape}, expected {expected.shape}"
    if got.dtype != expected.dtype:
        return f"dtype: got {got.dtype}, expected {expected.dtype}"
    if got.dtype.kind == "f":
        for name, test in (("NaN", np.isnan), ("inf", np.isinf)):
            if np.any(test(got) & np.isfinite(expected)):
                return f"value: got {name} where the reference is finite"
    return "value"


def _clearly_close(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> bool:
    """Within half the tolerance everywhere, in float64 (equal values, NaN with NaN and inf
    with inf included, an infinity never near a finite value), and of the same shape and
    dtype: what torch's assert_close passes whatever its rounding."""
    if got.shape != expected.shape or got.dtype != expected.dtype or got.dtype.kind == "c":
        return False
    g, e = got.astype(np.float64), expected.astype(np.float64)
    with np.errstate(all="ignore"):
        same = (g == e) | (np.isnan(g) & np.isnan(e))
        # Near applies to finite values only: an infinity is matched by itself alone.
        finite = np.isfinite(g) & np.isfinite(e)
        near = finite & (np.abs(g - e) <= 0.5 * (atol + rtol * np.abs(e)))
    return bool(np.all(same | near))


def mismatch(
    got: Any,
    expected: Any,
    *,
    layer: str,
    quantity: str,
    inputs: dict[str, Any],
    dtype: Any,
    tolerance_of: str | None = None,
) -> str | None:
    """None where ``got`` matches ``expected`` (values, shape and dtype); else the report:
    layer, quantity, inputs, expected, got, and the largest absolute and relative errors.
    ``tolerance_of`` names the table's entry where it is not the quantity's own (a property
    compares a loss under "sum order")."""
    # The one table: never a tolerance passed in.
    tol = tolerance(dtype, tolerance_of or quantity)
    got_a, expected_a = np.asarray(got), np.asarray(expected)
    if got_a.dtype.kind in "biufc" and _clearly_close(got_a, expected_a, tol.rtol, tol.atol):
        return None
    inputs_text = "; ".join(f"{k}={short(v)}" for k, v in inputs.items())
    if got_a.dtype.kind not in "biufc":  # None, a string, an object: not a number to compare
        return (
            f"{layer} {quantity} differs from the reference in kind: got {type(got).__name__} "
            f"({got_a.dtype}), expected an array of {expected_a.dtype}\n"
            f"  input:    {inputs_text}\n"
            f"  expected: {short(expected)}\n"
            f"  got:      {got!r:.200}"
        )
    # torch's assert_close decides the rest, and words the report. Imported here, not at the
    # top: a property runs in the implementation's process (reference.isolation), which
    # imports torch only for a failing one.
    import torch

    # Copies: a cached reference is read-only, which torch.as_tensor warns of.
    got_t, expected_t = torch.as_tensor(got_a.copy()), torch.as_tensor(expected_a.copy())
    try:
        torch.testing.assert_close(
            got_t, expected_t, rtol=tol.rtol, atol=tol.atol, equal_nan=True, check_device=False
        )
    except AssertionError as exc:
        return (
            f"{layer} {quantity} differs from the reference in {what_differs(got_a, expected_a)} "
            f"({np.dtype(dtype).name}, rtol={tol.rtol:g}, atol={tol.atol:g})\n"
            f"  input:    {inputs_text}\n"
            f"  expected: {short(expected)}\n"
            f"  got:      {short(got)}\n"
            f"  {str(exc).strip()}"
        )
    return None


def assert_match(got: Any, expected: Any, **where: Any) -> None:
    """Fail with :func:`mismatch`'s report unless ``got`` matches ``expected`` (an observed
    comparison)."""
    observe(got, expected, **where)
    report = mismatch(got, expected, **where)
    if report is not None:
        raise CheckFailure(report, where["layer"], where["quantity"])
