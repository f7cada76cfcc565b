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
from reference.verdicts import judge

Arrays = dict[str, np.ndarray]
Notes = tuple[Finding, ...]  # what a passing check found other than torch's values
Body = Callable[[ModuleType], Notes | None]


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


@dataclass(frozen=True)
class Check:
    """One check: ``check(impl)`` runs it against an implementation."""

    id: str
    needs: tuple[str, ...]
    body: Body = field(repr=False, compare=False)

    def __call__(self, impl: ModuleType) -> Notes:
        """() when the implementation agrees with torch; the findings when it passes otherwise
        (closer to the mathematics than torch, or a named convention)."""
        lacks = _missing(impl, self.needs)
        if lacks:
            raise ContractBreach(
                f"{self.id} cannot run: the implementation lacks {', '.join(lacks)}",
                missing=lacks,
            )
        np.random.seed(0)  # every check starts from the same global state
        try:
            return self.body(impl) or ()
        except (CheckFailure, KnownDivergence):
            raise
        except Exception as exc:
            # Valid input, so an exception is the implementation's failure, and named.
            raise CheckFailure(
                f"{self.id}: the implementation raised {type(exc).__name__}: {exc} "
                "(on valid input; the check's id names the input)",
                quantity=f"raised {type(exc).__name__}",
            ) from exc


@dataclass(frozen=True)
class Context:
    """What the kinds generate from: the records that apply, what the runner expects
    ("tutorial" or "torch"), the devices, and the implementation (its step paths), if any."""

    records: tuple[Record, ...]
    expect: str
    devices: tuple[str, ...]
    impl: ModuleType | None = None

    def paths(self, record: Record) -> tuple[str, ...]:
        return record.paths(self.impl if self.impl is not None else ModuleType("none"))

    @property
    def networks(self) -> tuple[tuple[Record, Network], ...]:
        """The records that are networks, each with what its checks as a whole need."""
        return tuple((r, r.network) for r in self.records if r.network is not None)


def graded(
    record: Record, a: Arrays, expected: Arrays, got: Arrays, dtype: Any, expect: str
) -> Notes:
    """Each quantity graded (reference.verdicts); the first wrong one fails the check."""
    notes = []
    for quantity, value in expected.items():
        verdict = judge(record, a, quantity, got[quantity], value, dtype, expect)
        if verdict.grade == Grade.WRONG:
            raise CheckFailure.of(verdict)
        if verdict.grade != Grade.MATCHES_TORCH:
            notes.append(verdict)
    return tuple(notes)


def option_id(name: str, value: Any) -> str:
    """lr0.1 for a number, the value itself for a word (relu, mean)."""
    return value if isinstance(value, str) else f"{name}{value:g}"


def dtypes_and_seeds(seeds: Sequence[int]) -> list[tuple[str, Any, int]]:
    """Each dtype with each seed, float32 first."""
    return [(dtype_id, dtype, seed) for dtype_id, dtype in DTYPES.items() for seed in seeds]
