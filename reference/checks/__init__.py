"""The checks, as a library: kinds of check, each generated from the records.

Each kind is a module with a generator over a :class:`Context` (scikit-learn's ``_yield_*``
shape); :data:`KINDS` lists them in the order a derivation is read: each layer's partials, its
edges, its finite differences, bad input; then state between calls, inputs as strided views,
named inputs, and the networks as wholes (initial weights, stored runs, properties). A record
that declares a network (``Record.network``) gets the network-level kinds, the tutorial's
and the two-layer network alike. :func:`all_checks` yields every :class:`Check`, a
callable ``check(impl)`` with a readable, unique ``id``: it returns the findings of a pass, raises
:class:`CheckFailure` (an ``AssertionError``) with the evidence when a value is wrong,
:class:`ContractBreach` when the implementation lacks what the check calls, and
:class:`KnownDivergence` when the value is a registered divergence of the tutorial that the
runner expects (``expect="tutorial"``). Three ways in use them:

- ``python -m reference check SPEC ...`` (:func:`run_checks` per implementation);
- ``@parametrize_with_checks(["my_net.py"])`` on ``def test_mine(impl, check): check(impl)``
  in a user's own test suite;
- ``pytest --impl SPEC``, through the plugin :mod:`reference.pytest_plugin`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from reference.checks import (
    edges,
    errors,
    gradients,
    layout,
    partials,
    properties,
    runs,
    sequences,
    state,
)
from reference.checks.base import (
    Check,
    Context,
    ContractBreach,
    Driven,
    HarnessError,
    KnownDivergence,
    Notes,
    Profile,
    Rerun,
)
from reference.compare import CheckFailure, observing
from reference.records import ALL, Record
from reference.results import Grade, Quantity, Result, Status
from reference.verdicts import EXPECTATIONS

__all__ = [
    "KINDS",
    "Check",
    "CheckFailure",
    "ContractBreach",
    "HarnessError",
    "KnownDivergence",
    "Result",
    "all_checks",
    "parametrize_with_checks",
    "read_xfails",
    "run_checks",
]

# The kinds, in the order a derivation is read (a failure's first check names the first
# wrong quantity).
KINDS: tuple[Callable[[Context], Iterator[Check]], ...] = (
    partials.generate,
    edges.generate,
    gradients.generate,
    errors.generate,
    state.generate,
    layout.generate,
    partials.named_inputs,
    runs.initial_weights,
    runs.stored_runs,
    properties.generate,
    sequences.generate,
    runs.long_runs,  # last: the implementation's longest drive, run while earlier ones are judged
)


def torch_devices() -> tuple[str, ...]:
    import torch  # the devices torch's side may run on; never loaded where an implementation runs

    return ("cpu", "cuda") if torch.cuda.is_available() else ("cpu",)


def all_checks(
    impl: ModuleType | None = None,
    *,
    expect: str = "tutorial",
    devices: Sequence[str] | None = None,
    layers: tuple[Record, ...] = ALL,
    profile: Profile | None = None,
) -> Iterator[Check]:
    """Every check, kind by kind (:data:`KINDS`).

    ``impl`` (or its ``profile``, read where it runs) decides which records apply (the grown
    derivation's apply where it has the grown API) and which step paths the network checks
    take (``train_step`` where it has one); ``expect`` is "tutorial" (the register's tutorial
    values are known divergences) or "torch" (they are failures); ``devices`` default to cpu,
    and cuda where present; ``layers`` are the records checked (all of them by default).
    """
    if expect not in EXPECTATIONS:
        raise ValueError(f"expect must be one of {EXPECTATIONS}, got {expect!r}")
    profile = profile or Profile.of(impl, layers)
    known = [(r, *profile.of_record(r)) for r in layers]
    chosen = [(r, paths) for r, applies, paths in known if applies]
    devices = tuple(devices) if devices is not None else torch_devices()
    ctx = Context(tuple(r for r, _ in chosen), expect, devices, tuple(paths for _, paths in chosen))
    for kind in KINDS:
        yield from kind(ctx)


# --- running them -------------------------------------------------------------------------


def _grade(notes: Notes) -> Grade:
    """A pass's grade: torch's values, else the furthest from them it found."""
    order = (Grade.MATCHES_TORCH, Grade.CLOSER, Grade.CONVENTION)
    return max((n.grade for n in notes), key=order.index, default=Grade.MATCHES_TORCH)


def run_one(check: Check, impl: ModuleType, expected_failures: Mapping[str, str] = {}) -> Result:
    """Run one check and say what came of it; an entry of ``expected_failures`` (check id ->
    reason) turns its failure into a known one."""
    return result_of(check, check.driven(impl), expected_failures, check.rerun_here(impl))


def result_of(
    check: Check,
    driven: Driven,
    expected_failures: Mapping[str, str] = {},
    rerun: Rerun | None = None,
) -> Result:
    """The result of one check, judged from what its drive came back with, with every
    quantity it compared; ``rerun`` lets a failing check search for a shorter failure."""
    with observing() as seen:
        try:
            notes, raised = check.judged(driven, rerun), None
        except (CheckFailure, KnownDivergence, HarnessError) as exc:
            notes, raised = (), exc
    return result_from(check.id, raised, notes, seen, expected_failures)


def result_from(
    check_id: str,
    raised: BaseException | None,
    notes: Notes = (),
    seen: Sequence[Quantity] = (),
    expected_failures: Mapping[str, str] = {},
) -> Result:
    """A check's result from how its judging ended: the exception it raised, or the notes of
    a pass; ``seen`` the quantities it compared."""
    quantities = _with_exact(seen, getattr(raised, "findings", notes))
    if isinstance(raised, ContractBreach):
        return Result(check_id, Status.CANNOT_RUN, str(raised), missing=raised.missing)
    if isinstance(raised, HarnessError):  # the harness's failure, not the implementation's
        return Result(check_id, Status.CANNOT_RUN, str(raised))
    if isinstance(raised, CheckFailure):
        status, message = Status.FAILED, str(raised)
        if check_id in expected_failures:
            status, message = Status.KNOWN, f"expected failure: {expected_failures[check_id]}"
        return Result(
            check_id,
            status,
            message,
            raised.layer,
            raised.quantity,
            Grade.WRONG,
            raised.findings,
            quantities=quantities,
        )
    if isinstance(raised, KnownDivergence):
        return Result(
            check_id,
            Status.KNOWN,
            str(raised),
            grade=Grade.KNOWN,
            findings=raised.findings,
            quantities=quantities,
        )
    if raised is not None:
        raise TypeError(f"not a way a check ends: {raised!r}")
    message = "; ".join(n.text for n in notes)
    return Result(
        check_id,
        Status.PASSED,
        message,
        grade=_grade(notes),
        findings=notes,
        quantities=quantities,
    )


def _with_exact(seen: Sequence[Quantity], findings: Notes) -> tuple[Quantity, ...]:
    """The quantities, each with the exact value where a finding computed it."""
    exact = {
        (f.layer, f.quantity): f.evidence.exact
        for f in findings
        if f.evidence is not None and f.evidence.exact is not None
    }
    return tuple(
        replace(q, exact=e)
        if (e := exact.get((q.layer, q.quantity))) and len(e) == len(q.reference.data)
        else q
        for q in seen
    )


def run_checks(
    impl: ModuleType,
    *,
    expect: str = "tutorial",
    expected_failures: Mapping[str, str] | None = None,
    devices: Sequence[str] | None = None,
    select: Callable[[str], bool] | None = None,
    stop_at_first_failure: bool = False,
    layers: tuple[Record, ...] = ALL,
) -> list[Result]:
    """Every check against ``impl`` (those whose id ``select`` accepts), in order, in this
    process; or up to the first failure."""
    results = []
    with np.errstate(all="ignore"):  # a wrong implementation's warnings are not the verdict
        for check in all_checks(impl, expect=expect, devices=devices, layers=layers):
            if select is not None and not select(check.id):
                continue
            result = run_one(check, impl, expected_failures or {})
            results.append(result)
            if stop_at_first_failure and result.failed:
                break
    return results


def read_xfails(path: str | Path) -> dict[str, str]:
    """A file of expected failures, one check id a line, with its reason after ``#``
    (array-api-tests' xfails file): ``edge-Sigmoid-float32-z=-100-cpu  # overflow, known``."""
    out: dict[str, str] = {}
    for line in Path(path).read_text().splitlines():
        check_id, _, reason = line.partition("#")
        if check_id.strip():
            out[check_id.strip()] = reason.strip() or "listed in the expected-failures file"
    return out


def __getattr__(name: str) -> Any:
    """PEP 562: ``parametrize_with_checks`` lives with the boundary it runs through
    (reference.isolation, which builds on this package)."""
    if name == "parametrize_with_checks":
        return importlib.import_module("reference.isolation").parametrize_with_checks
    raise AttributeError(f"module 'reference.checks' has no attribute {name!r}")
