"""Which known slip a wrong value looks like: the slip catalogue (``reference/slips/``) as data
the checks evaluate. At the failing input each catalogued slip computes the same quantity;
one that differs from torch there and reproduces the implementation's value names the slip:
the same shape and dtype, NaN and inf where the implementation has them (infinities of the
same sign), every finite element within tolerance and of the same sign. A value with no
finite element names none: NaN or inf alone does not tell one formula from another (a right
formula gives them too, where a slip does)."""

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


def reproduces(got: Any, value: Any, where: dict[str, Any]) -> bool:
    """Whether ``value`` (a slip's) is the implementation's ``got``, as the module says."""
    g, v = np.asarray(got), np.asarray(value)
    if g.shape != v.shape or g.dtype != v.dtype or g.dtype.kind != "f":
        return False
    gf, vf = g.astype(np.float64), v.astype(np.float64)
    finite = np.isfinite(gf)
    if not finite.any():
        return False
    same_pattern = (
        np.array_equal(np.isnan(gf), np.isnan(vf))
        and np.array_equal(np.isposinf(gf), np.isposinf(vf))
        and np.array_equal(np.isneginf(gf), np.isneginf(vf))
    )
    if not same_pattern or not np.array_equal(np.sign(gf[finite]), np.sign(vf[finite])):
        return False
    return mismatch(got, value, **where) is None


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
        if mismatch(value, torch, **where) is not None and reproduces(got, value, where):
            return what
    return None
