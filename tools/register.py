"""``python -m tools register``: recompute the divergence register from the tutorial and torch.

Both values of every row are recomputed at its edge point; each row keeps its human-written
cause. A point where the tutorial's value and torch's part beyond the tolerance table and no
row names it is an error (write its row, with a cause, into the file and run again); so is a
row whose two values no longer differ. Rows within tolerance but not equal are kept as
written and marked. The file records the versions that made it; the diff is the review.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mpmath
import numpy as np

from reference import oracle
from reference.compare import mismatch
from reference.golden import versions
from reference.records import ALL, edge_points, edge_values
from reference.subject import load_impl

REGISTER = Path(__file__).resolve().parent.parent / "reference" / "data" / "register.json"


def _number(v: Any) -> float | str:
    v = float(np.asarray(v).ravel()[0])
    return v if np.isfinite(v) else str(v)


def _witness(point: Any, quantity: str, tutorial: Any, torch: Any) -> dict[str, Any]:
    """The exact value at the point (mpmath), and which side is nearer to it, in ulps."""
    exact = oracle.exact(point.record, point.arrays(), quantity)[oracle.MATHEMATICS]
    tutorial_ulps = oracle.ulps(tutorial, exact, point.dtype)
    torch_ulps = oracle.ulps(torch, exact, point.dtype)
    if tutorial_ulps < torch_ulps or (np.isnan(torch_ulps) and not np.isnan(tutorial_ulps)):
        nearer = "tutorial"
    elif torch_ulps < tutorial_ulps or (np.isnan(tutorial_ulps) and not np.isnan(torch_ulps)):
        nearer = "torch"
    else:
        nearer = "neither"
    return {"exact": mpmath.nstr(exact[0], 10), "nearer": nearer}


def _key(layer: str, dtype: str, inputs: dict[str, float], quantity: str) -> tuple[Any, ...]:
    return (layer, dtype, tuple(inputs.items()), quantity)


def recompute(old: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The register recomputed, and the problems that stop it from being written."""
    causes = {
        _key(r["layer"], r["dtype"], r["inputs"], r["quantity"]): r["cause"] for r in old["rows"]
    }
    rows, problems, seen = [], [], set()
    for point in edge_points(ALL):
        with np.errstate(all="ignore"):
            tutorial = edge_values(point, load_impl(point.record.tutorial))
        reference = edge_values(point, None)
        for quantity, expected in reference.items():
            got = tutorial[quantity]
            key = _key(point.layer, point.dtype, dict(point.inputs), quantity)
            equal = np.array_equal(np.asarray(got), np.asarray(expected), equal_nan=True)
            beyond = mismatch(
                got, expected, layer=point.layer, quantity=quantity, inputs={}, dtype=point.dtype
            )
            if key in causes:
                seen.add(key)
                if equal:
                    problems.append(f"{point.id} {quantity}: registered, but the two now agree")
                    continue
            elif beyond is None:
                continue  # within tolerance and in no row: not a divergence
            else:
                problems.append(
                    f"{point.id} {quantity}: tutorial {_number(got)}, torch {_number(expected)} "
                    "differ beyond tolerance and no row gives a cause"
                )
                continue
            rows.append(
                {
                    "cause": causes[key],
                    "layer": point.layer,
                    "dtype": point.dtype,
                    "inputs": dict(point.inputs),
                    "quantity": quantity,
                    "tutorial": _number(got),
                    "torch": _number(expected),
                    "within_tolerance": beyond is None,
                    **_witness(point, quantity, got, expected),
                }
            )
    problems += [f"{k}: a row for a point the edge grid no longer has" for k in set(causes) - seen]
    unused = set(old["causes"]) - {r["cause"] for r in rows}
    problems += [f"cause {c!r} explains no row" for c in sorted(unused)]
    missing = {r["cause"] for r in rows} - set(old["causes"])
    problems += [f"cause {c!r} has no text in 'causes'" for c in sorted(missing)]
    new = {
        "made_by": "python -m tools register",
        "versions": {**versions(), "mpmath": mpmath.__version__},
        "causes": old["causes"],
        "rows": rows,
    }
    return new, problems


def dumps(data: dict[str, Any]) -> str:
    """JSON with one row a line, so that the diff of a regeneration reads row by row."""
    head = {k: v for k, v in data.items() if k != "rows"}
    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2]
    rows = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in data["rows"])
    return f'{text},\n "rows": [\n{rows}\n ]\n}}\n'


def regenerate(path: Path = REGISTER) -> int:
    new, problems = recompute(json.loads(path.read_text()))
    for problem in problems:
        print(f"error: {problem}")
    if problems:
        return 1
    path.write_text(dumps(new))
    beyond = sum(not row["within_tolerance"] for row in new["rows"])
    print(f"{path.name}: {len(new['rows'])} rows, {beyond} beyond tolerance")
    return 0
