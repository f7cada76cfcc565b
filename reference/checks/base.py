"""What every kind of check is made of: :class:`Check`, the ways it ends, and the context the
kinds generate from."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Any

import numpy as np

from reference import subject
from reference.compare import CheckFailure
from reference.records import DTYPES, Network, Record
from reference.results import Finding, Grade
from reference.verdicts import judge, one_convention

Arrays = dict[str, np.ndarray]
Notes = tuple[Finding, ...]  # what a passing check found other than torch's values
Drive = Callable[[ModuleType], Any]  # the implementation's calls -> what they returned
Judge = Callable[[Any], Notes | None]  # what they returned -> the verdict


@dataclass(frozen=True)
class Driven:
    """What a check's drive came back with: its data, or the exception the implementation
    raised (type name, message), or what of the contract it lacks."""

    data: Any = None
    raised: tuple[str, str] | None = None
    missing: tuple[str, ...] = ()
    stopped: str = ""  # the implementation's process stopped before or in this check


# A check that searches for a shorter failing input (a sequence's shrink) drives the
# implementation again: request data in, what came of it back (in its process, if apart).
Redrive = Callable[[ModuleType, Any], Any]
Rerun = Callable[[Any], Driven]
Shrink = Callable[[CheckFailure, Rerun], CheckFailure]


class ContractBreach(CheckFailure):
    """The check cannot run: the implementation lacks part of the API the check calls."""

    def __init__(self, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing


class KnownDivergence(Exception):
    """The value is the tutorial's registered divergence, and the runner expects the tutorial."""

    def __init__(self, message: str, findings: Notes = ()) -> None:
        super().__init__(message)
        self.findings = findings


@lru_cache(maxsize=256)
def _missing(impl: ModuleType, needs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(subject.missing(impl, needs))


class HarnessError(Exception):
    """The harness failed judging a check (not the implementation): its own bug, or what the
    implementation returned was of a kind it cannot compare; exit 2, naming the harness."""


@dataclass(frozen=True)
class Check:
    """One check: ``check(impl)`` runs it against an implementation.

    A check has two halves: ``drive(impl)`` makes the implementation's calls and returns what
    they returned, as plain data (arrays, numbers, strings, in dicts and lists): the only
    part that runs the implementation's code; ``judge(data)`` computes torch's and the exact
    values and grades, where the implementation's code never ran (reference.isolation runs
    the drives in a process of their own). ``judge`` returns the findings of a pass, or
    raises :class:`CheckFailure` or :class:`KnownDivergence`.
    """

    id: str
    needs: tuple[str, ...]
    drive: Drive = field(repr=False, compare=False)
    judge: Judge = field(repr=False, compare=False)
    # Where it has them: the drive again on other input (implementation's side), and the
    # search for a shorter failing input with it (the harness's side).
    redrive: Redrive | None = field(default=None, repr=False, compare=False)
    shrink: Shrink | None = field(default=None, repr=False, compare=False)

    def __call__(self, impl: Any) -> Notes:
        """() when the implementation agrees with torch; the findings when it passes otherwise
        (closer to the mathematics than torch, or a named convention)."""
        # A module runs here; an implementation in a process of its own (reference.isolation)
        # drives the check there.
        if isinstance(impl, ModuleType):
            return self.judged(self.driven(impl), self.rerun_here(impl))
        return self.judged(impl.driven_for(self), impl.rerun_for(self))

    def driven(self, impl: ModuleType, catch: type[BaseException] = Exception) -> Driven:
        """The implementation's side: what it lacks of the contract, or what its calls
        returned, or the exception it raised (its type's name and message); ``catch`` is what
        counts as the implementation's exception (in its own process, anything)."""
        lacks = _missing(impl, self.needs)
        if lacks:
            return Driven(missing=lacks)
        np.random.seed(0)  # every check starts from the same global state
        try:
            return Driven(data=self.drive(impl))
        except catch as exc:
            return Driven(raised=(type(exc).__name__, str(exc)))

    def rerun_here(self, impl: ModuleType) -> Rerun | None:
        """The redrive in this process, its exceptions caught as the drive's are."""
        redrive = self.redrive
        if redrive is None:
            return None

        def rerun(request: Any) -> Driven:
            try:
                return Driven(data=redrive(impl, request))
            except Exception as exc:
                return Driven(raised=(type(exc).__name__, str(exc)))

        return rerun

    def judged(self, driven: Driven, rerun: Rerun | None = None) -> Notes:
        """The harness's side: the verdict on what the implementation's side returned; with
        ``rerun``, a failure is shrunk first where the check can (its ``shrink``)."""
        if driven.stopped:
            raise CheckFailure(
                f"{self.id}: the implementation's process {driven.stopped}", quantity="stopped"
            )
        if driven.missing:
            raise ContractBreach(
                f"{self.id} cannot run: the implementation lacks {', '.join(driven.missing)}",
                missing=driven.missing,
            )
        if driven.raised is not None:
            name, message = driven.raised
            # Valid input, so an exception is the implementation's failure, and named.
            raise CheckFailure(
                f"{self.id}: the implementation raised {name}: {message} "
                "(on valid input; the check's id names the input)",
                quantity=f"raised {name}",
            )
        try:
            return self.judge(driven.data) or ()
        except CheckFailure as failure:
            if self.shrink is None or rerun is None:
                raise
            try:
                shrunk = self.shrink(failure, rerun)
            except Exception as exc:  # the search's bug: the failure stands, unshrunk
                note = f"\n  (not shrunk: the harness's search failed: {type(exc).__name__}: {exc})"
                shrunk = CheckFailure(
                    str(failure) + note, failure.layer, failure.quantity, failure.findings
                )
            raise shrunk from None
        except KnownDivergence:
            raise
        except Exception as exc:
            raise HarnessError(
                f"{self.id}: the harness failed judging it: {type(exc).__name__}: {exc}"
            ) from exc


@dataclass(frozen=True)
class Profile:
    """What an implementation has of the records: which of them apply to it, and each one's
    step paths (read where it runs: reference.isolation sends them as data)."""

    records: tuple[Record, ...]
    applies: tuple[bool, ...]
    paths: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, impl: ModuleType | None, records: tuple[Record, ...]) -> Profile:
        """An implementation's profile; with none, every record and its default path."""
        module = impl if impl is not None else ModuleType("none")
        return cls(
            records,
            tuple(impl is None or r.applies(impl) for r in records),
            tuple(r.paths(module) for r in records),
        )

    def of_record(self, record: Record) -> tuple[bool, tuple[str, ...]]:
        """Whether the record applies, and its step paths."""
        k = self.records.index(record)
        return self.applies[k], self.paths[k]


@dataclass(frozen=True)
class Context:
    """What the kinds generate from: the records that apply, what the runner expects
    ("tutorial" or "torch"), the devices, and each record's step paths."""

    records: tuple[Record, ...]
    expect: str
    devices: tuple[str, ...]
    step_paths: tuple[tuple[str, ...], ...]

    def paths(self, record: Record) -> tuple[str, ...]:
        return self.step_paths[self.records.index(record)]

    @property
    def networks(self) -> tuple[tuple[Record, Network], ...]:
        """The records that are networks, each with what its checks as a whole need."""
        return tuple((r, r.network) for r in self.records if r.network is not None)


def graded(
    record: Record, a: Arrays, expected: Arrays, got: Arrays, dtype: Any, expect: str
) -> Notes:
    """Each quantity graded (reference.verdicts); the first wrong one fails the check."""
    notes, verdicts = [], []
    for quantity, value in expected.items():
        verdict = judge(record, a, quantity, got[quantity], value, dtype, expect)
        if verdict.grade == Grade.WRONG:
            raise CheckFailure.of(verdict)
        if verdict.grade != Grade.MATCHES_TORCH:
            notes.append(verdict)
        verdicts.append((verdict, got[quantity], value))
    mix = one_convention(record, a, verdicts, dtype)
    if mix is not None:
        raise CheckFailure.of(mix)
    return tuple(notes)


def option_id(name: str, value: Any) -> str:
    """lr0.1 for a number, the value itself for a word (relu, mean)."""
    return value if isinstance(value, str) else f"{name}{value:g}"


def dtypes_and_seeds(seeds: Sequence[int]) -> list[tuple[str, Any, int]]:
    """Each dtype with each seed, float32 first."""
    return [(dtype_id, dtype, seed) for dtype_id, dtype in DTYPES.items() for seed in seeds]
