"""Which known slip a wrong value looks like: the slip catalogue (``reference/slips/``) as data
the checks evaluate. At the failing input each catalogued slip computes the same quantity;
one that differs from torch there and gives the implementation's value names the slip."""

from __future__ import annotations

from functools import cache
from importlib import resources
from types import ModuleType
from typing import Any

import numpy as np

from reference.compare import mismatch
from reference.records import Record
from reference.subject import load_impl


@cache
def catalogue() -> tuple[tuple[str, ModuleType], ...]:
    """(what the slip is, its implementation), for each slip, in name order."""
    with resources.as_file(resources.files("reference") / "slips") as folder:
        paths = sorted(p for p in folder.glob("[a-z]*.py"))
        out = []
        for path in paths:
            module = load_impl(str(path))
            what = (module.__doc__ or path.stem).strip().splitlines()[0]
            out.append((what.removeprefix("Slip: ").rstrip("."), module))
    return tuple(out)


def diagnose(
    record: Record, a: dict[str, np.ndarray], quantity: str, got: Any, torch: Any, dtype: Any
) -> str | None:
    """What the catalogued slip that gives ``got`` here is, or None where none does."""
    where = {"layer": record.name, "quantity": quantity, "inputs": {}, "dtype": dtype}
    for what, slip in catalogue():
        try:
            with np.errstate(all="ignore"):
                # A copy each: some slips change their inputs in place.
                copy = {k: v.copy() for k, v in a.items()}
                value = record.partials(slip, copy, "")[quantity]
        except Exception:  # the slip raises here, or lacks what the record calls
            continue
        if mismatch(value, torch, **where) is not None and mismatch(got, value, **where) is None:
            return what
    return None
