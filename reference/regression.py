"""What a change to an implementation did, check by check and quantity by quantity.

Two versions' results on the same checks (the same ids: the same inputs) are put, each
check and each quantity it compared, in one of the :class:`Change`\\ s:

- **regressed**: the check passed before and fails now; or it still passes, but a value's
  distance to the exact value (to torch's where no exact value was computed) grew by the rule
  new error > 2 x old error + the tolerance, in some element;
- **fixed**: the check failed before and passes now;
- **changed**: another value, the same verdict, not regressed by that rule (how far it moved,
  in ulps, and whether closer to the exact value or further from it);
- **unchanged**: the same bits;
- **new** / **gone**: checks only one version has (a ``train_step`` added).

A check that fails in both versions is compared quantity by quantity like a passing one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from reference.compare import short
from reference.results import Quantity, Result, Status, Value, what


class Change(StrEnum):
    REGRESSED = "regressed"
    FIXED = "fixed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    NEW = "new"
    GONE = "gone"


@dataclass(frozen=True)
class Distance:
    """How far each version's value is from the reference, the largest over its elements, in
    ulps of the dtype; ``against`` names the reference ("the exact value" or "torch")."""

    old: float
    new: float
    against: str

    @property
    def closer(self) -> str:
        if self.new == self.old or (math.isnan(self.new) and math.isnan(self.old)):
            return "the same distance"
        return "closer" if self.new < self.old else "further"


@dataclass(frozen=True)
class Transition:
    """One check's or one quantity's change between two versions (old, then new)."""

    check: str
    change: Change
    layer: str = ""
    quantity: str = ""
    old: Quantity | None = None
    new: Quantity | None = None
    was: Result | None = None
    now: Result | None = None
    moved_ulps: float | None = None  # the largest move of an element, in ulps
    distance: Distance | None = None

    @property
    def what(self) -> str:
        return what(self.layer, self.quantity, self.check)


def _array(v: Value | None) -> np.ndarray | None:
    return None if v is None or v.dtype.startswith(("str", "<U", "object")) else v.array()


def _errors(got: np.ndarray | None, reference: np.ndarray) -> np.ndarray:
    """|got - reference| elementwise in float64: 0 where both are the same NaN or infinity,
    inf where only one is non-finite, inf everywhere where the shapes differ."""
    if got is None or got.shape != reference.shape:
        return np.full(reference.shape, np.inf)
    g, r = got.astype(np.float64), reference.astype(np.float64)
    with np.errstate(all="ignore"):
        same = (g == r) | (np.isnan(g) & np.isnan(r))
        return np.where(same, 0.0, np.where(np.isfinite(g) & np.isfinite(r), np.abs(g - r), np.inf))


def _ulp(reference: np.ndarray, dtype: str) -> np.ndarray:
    kind = np.dtype(dtype) if np.dtype(dtype).kind == "f" else np.dtype(np.float64)
    finite = np.where(np.isfinite(reference), np.abs(reference), 0.0)
    return np.spacing(finite.astype(kind)).astype(np.float64)


def _reference(q: Quantity, other: Quantity) -> tuple[np.ndarray, str]:
    """The exact value where either version's verdict computed it (the same inputs, the same
    exact value), else this version's torch value."""
    exact = q.exact if q.exact is not None else other.exact
    shape = q.reference.shape
    if exact is not None and len(exact) == int(np.prod(shape)):
        return np.array(exact, np.float64).reshape(shape), "the exact value"
    return q.reference.array().astype(np.float64), "torch"


def compare_quantity(check: str, old: Quantity, new: Quantity) -> Transition:
    same = Transition(check, Change.UNCHANGED, new.layer, new.quantity, old, new)
    if old.got == new.got:
        return same
    if old.reference.shape != new.reference.shape:  # not one quantity (a generated sequence's
        return replace(same, change=Change.CHANGED)  # calls that parted): no distance
    old_ref, against = _reference(old, new)
    new_ref, _ = _reference(new, old)
    old_err, new_err = _errors(_array(old.got), old_ref), _errors(_array(new.got), new_ref)
    tolerance = new.atol + new.rtol * np.abs(np.where(np.isfinite(new_ref), new_ref, 0.0))
    with np.errstate(all="ignore"):
        grew = bool(np.any(new_err > 2 * old_err + tolerance))
    ulp = _ulp(new_ref, new.dtype)
    distance = Distance(_max(old_err / ulp), _max(new_err / ulp), against)
    old_a, new_a = _array(old.got), _array(new.got)
    moved = None
    if old_a is not None and new_a is not None and old_a.shape == new_a.shape:
        moved = _max(_errors(new_a, old_a) / _ulp(old_a.astype(np.float64), new.dtype))
    change = Change.REGRESSED if grew else Change.CHANGED
    return replace(same, change=change, moved_ulps=moved, distance=distance)


def _max(a: np.ndarray) -> float:
    return float(np.max(a)) if a.size else 0.0


def _keyed(quantities: Sequence[Quantity]) -> dict[tuple[str, str, int], Quantity]:
    """Each quantity by layer, name and which of that name it is in the check."""
    seen: Counter[tuple[str, str]] = Counter()
    out = {}
    for q in quantities:
        seen[(q.layer, q.quantity)] += 1
        out[(q.layer, q.quantity, seen[(q.layer, q.quantity)])] = q
    return out


def _first_wrong(
    r: Result, quantities: dict[tuple[str, str, int], Quantity]
) -> tuple[str, str, int] | None:
    """The key of a failed check's wrong quantity: the last it compared of that name."""
    keys = [k for k in quantities if k[:2] == (r.layer, r.quantity)]
    return keys[-1] if keys else None


def compare(old: Sequence[Result], new: Sequence[Result]) -> list[Transition]:
    """Every transition from ``old`` to ``new``, in the new version's order (the order a
    derivation is read), the checks only the old one has at the end."""
    before = {r.check: r for r in old}
    out: list[Transition] = []
    for now in new:
        was = before.get(now.check)
        if was is None:
            out.append(Transition(now.check, Change.NEW, now.layer, now.quantity, now=now))
            continue
        old_q, new_q = _keyed(was.quantities), _keyed(now.quantities)
        if was.failed != now.failed:
            wrong, side = (now, new_q) if now.failed else (was, old_q)
            key = _first_wrong(wrong, side)
            before_q, after_q = (old_q.get(key), new_q.get(key)) if key else (None, None)
            change = Change.REGRESSED if now.failed else Change.FIXED
            t = Transition(
                now.check, change, wrong.layer, wrong.quantity, before_q, after_q, was, now
            )
            if before_q is not None and after_q is not None:  # how far it moved, too
                moved = compare_quantity(now.check, before_q, after_q)
                t = replace(t, moved_ulps=moved.moved_ulps, distance=moved.distance)
            out.append(t)
            continue
        shared = [k for k in new_q if k in old_q]
        if not shared:  # nothing compared on either side (an exception, a contract breach)
            same = (was.status, was.layer, was.quantity) == (now.status, now.layer, now.quantity)
            change = Change.UNCHANGED if same else Change.CHANGED
            out.append(Transition(now.check, change, now.layer, now.quantity, was=was, now=now))
            continue
        for k in shared:
            out.append(replace(compare_quantity(now.check, old_q[k], new_q[k]), was=was, now=now))
    now_ids = {r.check for r in new}
    out += [
        Transition(r.check, Change.GONE, r.layer, r.quantity, was=r)
        for r in old
        if r.check not in now_ids
    ]
    return out


# --- the report ----------------------------------------------------------------------------


def counts_line(transitions: Sequence[Transition]) -> str:
    n = Counter(t.change for t in transitions)
    return ", ".join(f"{n[c]} {c}" for c in Change)


def _status(r: Result | None) -> str:
    if r is None:
        return "-"
    return str(r.status) + (
        f" ({r.grade})" if r.grade is not None and r.status != Status.FAILED else ""
    )


def _values(v: Value | None) -> str:
    return "not an array of numbers" if v is None else short(v.array())


def in_full(t: Transition) -> list[str]:
    """A transition's case: the input, both versions' values, torch's, the exact value, and
    each version's distance from the reference in ulps."""
    lines = [f"{t.check}: {t.what} {t.change}: was {_status(t.was)}, now {_status(t.now)}"]
    q = t.new or t.old
    if q is not None:
        shown = "; ".join(f"{k}={_values(v)}" for k, v in q.inputs.items())
        lines.append(f"  input:  {shown}")
    if t.old is not None:
        lines.append(f"  old:    {_values(t.old.got)}")
    if t.new is not None:
        lines.append(f"  new:    {_values(t.new.got)}")
    if q is not None:
        lines.append(f"  torch:  {_values(q.reference)}")
        exact = (
            t.new.exact if t.new is not None and t.new.exact else (t.old.exact if t.old else None)
        )
        if exact is not None:
            lines.append(
                f"  exact:  {np.array2string(np.array(exact), precision=17, threshold=12)}"
            )
    if t.distance is not None:
        d = t.distance
        lines.append(f"  ulps from {d.against}: old {d.old:.3g}, new {d.new:.3g} ({d.closer})")
    if t.now is not None and t.now.failed and t.change == Change.REGRESSED and t.now.message:
        lines += ["  the new version's failure:", *("    " + m for m in t.now.message.splitlines())]
    return lines


BINS = (
    (1, "1"),
    (4, "2-4"),
    (16, "5-16"),
    (256, "17-256"),
    (2**16, "257-65536"),
    (math.inf, "more"),
)


def histogram(transitions: Sequence[Transition]) -> list[str]:
    """How far the changed values moved, in ulps, and which way."""
    changed = [t for t in transitions if t.change == Change.CHANGED and t.moved_ulps is not None]
    if not changed:
        return []
    counts: Counter[str] = Counter()
    for t in changed:
        counts[next(label for bound, label in BINS if (t.moved_ulps or 0) <= bound)] += 1
    width = max(counts.values())
    lines = ["changed values, by how far they moved (ulps of the dtype):"]
    for _, label in BINS:
        if counts[label]:
            bar = "#" * max(1, round(40 * counts[label] / width))
            lines.append(f"  {label:>10}  {bar} {counts[label]}")
    ways = Counter(t.distance.closer for t in changed if t.distance is not None)
    lines.append(
        f"  {ways['closer']} closer to the reference, {ways['further']} further, "
        f"{ways['the same distance']} the same distance"
    )
    return lines


def _grouped(transitions: Sequence[Transition]) -> list[str]:
    """By layer and quantity, in the order a derivation is read: how many, the first check."""
    groups: dict[str, list[str]] = {}
    for t in transitions:
        groups.setdefault(t.what, []).append(t.check)
    return [
        f"  {what}: {len(ids)} (first: {ids[0]})" if len(ids) > 1 else f"  {what}: {ids[0]}"
        for what, ids in groups.items()
    ]


def render(old_name: str, new_name: str, transitions: Sequence[Transition]) -> str:
    """The report: one line of counts, the regressions in derivation order with the first in
    full, the fixes, and the histogram of the changed values."""
    checks = len({t.check for t in transitions})
    lines = [f"{new_name} against {old_name}: {counts_line(transitions)} ({checks} checks)"]
    regressed = [t for t in transitions if t.change == Change.REGRESSED]
    if regressed:
        lines += ["", "regressed:", *_grouped(regressed)]
        lines += ["the first regression, in full:", *in_full(regressed[0])]
    fixed = [t for t in transitions if t.change == Change.FIXED]
    if fixed:
        lines += ["", "fixed:", *_grouped(fixed)]
    for change, which in ((Change.NEW, "only the new version has"), (Change.GONE, "only the old")):
        only = [t for t in transitions if t.change == change]
        if only:
            lines += ["", f"{change} checks ({which}):", *_grouped(only)]
    shown = histogram(transitions)
    if shown:
        lines += ["", *shown]
    return "\n".join(lines)


def exit_code(transitions: Sequence[Transition], strict: bool = False) -> int:
    """1 when something regressed (with ``strict``, when anything changed at all), else 0."""
    if strict:
        return int(any(t.change != Change.UNCHANGED for t in transitions))
    return int(any(t.change == Change.REGRESSED for t in transitions))
