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
    layer: str, a: dict[str, np.ndarray], quantity: str, got: Any, torch: Any, dtype: Any
) -> str | None:
    """What the catalogued slip that gives ``got`` here is, or None where none does."""
    from reference.grown import records_named

    records = records_named(layer)
    for what, slip in catalogue():
        value = None
        for record in records:
            try:
                with np.errstate(all="ignore"):
                    # A copy each: some slips change their inputs in place.
                    copy = {k: v.copy() for k, v in a.items()}
                    value = record.partials(slip, copy, "")[quantity]
                break
            except Exception:  # the slip raises here, or the record does not fit the inputs
                continue
        if value is None:
            continue
        where = {"layer": layer, "quantity": quantity, "inputs": {}, "dtype": dtype}
        if mismatch(value, torch, **where) is not None and mismatch(got, value, **where) is None:
            return what
    return None
