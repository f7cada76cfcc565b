"""bce-harness: checks a hand-derived NumPy network (the tutorial's sigmoid + BCE, and its
grown derivation) against torch.nn, quantity by quantity, with graded verdicts.

What a user imports, from here (loaded on first use, so that ``import reference`` stays free):

- the checks: :func:`all_checks`, :func:`run_checks`, :func:`parametrize_with_checks`,
  :func:`read_xfails`, :class:`Check`, :data:`KINDS` (reference.checks);
- their results as data: :class:`Result`, :class:`Finding`, :class:`Evidence`,
  :class:`Value`, :class:`Status`, :class:`Grade` (reference.results);
- the ways a check ends: :class:`CheckFailure`, :class:`ContractBreach`,
  :class:`KnownDivergence`;
- the boundary to an implementation: :func:`load_impl`, :class:`ImplementationError`
  (reference.subject);
- the records, one per layer: :class:`Record`, :data:`RECORDS` (reference.records).

How these fit together: docs/design.md.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "all_checks": "reference.checks",
    "run_checks": "reference.checks",
    "parametrize_with_checks": "reference.isolation",
    "read_xfails": "reference.checks",
    "Check": "reference.checks",
    "KINDS": "reference.checks",
    "CheckFailure": "reference.checks",
    "ContractBreach": "reference.checks",
    "KnownDivergence": "reference.checks",
    "Result": "reference.results",
    "Finding": "reference.results",
    "Evidence": "reference.results",
    "Value": "reference.results",
    "Status": "reference.results",
    "Grade": "reference.results",
    "load_impl": "reference.subject",
    "ImplementationError": "reference.subject",
    "Record": "reference.records",
}

__all__ = sorted([*_WHERE, "RECORDS"])


def __getattr__(name: str) -> Any:
    """PEP 562: the public names, imported when first asked for."""
    if name == "RECORDS":
        return importlib.import_module("reference.records").ALL
    if name not in _WHERE:
        raise AttributeError(f"module 'reference' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)


def __dir__() -> list[str]:
    return __all__
