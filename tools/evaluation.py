"""``python -m tools evaluation``: the harness judged on implementations it did not write for
itself: correct-but-different ones (tests/impls/correct/), mathematically equal ones that
lose accuracy (tests/impls/inaccurate/), slips (reference/slips/), the broken fixtures, and
the tutorial's own code. Prints the README's table; ``tests/harness/test_evaluation.py`` reruns it.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from reference.checks import run_checks
from reference.formats import graded_passes
from reference.results import Status
from reference.subject import load_impl

ROOT = Path(__file__).resolve().parent.parent
IMPLS = ROOT / "tests" / "impls"
FOLDERS = {
    "correct": IMPLS / "correct",
    "inaccurate": IMPLS / "inaccurate",
    "slips": ROOT / "reference" / "slips",
}
# folder -> the verdict each implementation in it should get
EXPECTED = {"correct": "passes", "inaccurate": "fails", "slips": "fails"}


@dataclass(frozen=True)
class Row:
    kind: str  # the folder: correct, inaccurate, slips; or "tutorial"
    name: str
    verdict: str  # "passes" or "fails"
    outcomes: str  # for a pass: what differed from torch; for a failure: the first one


def implementations() -> list[tuple[str, Path]]:
    out = [("tutorial", IMPLS / "tutorial_verbatim.py")]
    for kind in EXPECTED:
        out += [(kind, p) for p in sorted(FOLDERS[kind].glob("[a-z]*.py"))]
    return out


def judge(kind: str, path: Path) -> Row:
    results = run_checks(load_impl(str(path)), stop_at_first_failure=kind == "slips")
    failed = [r for r in results if r.failed]
    if failed:
        first = failed[0]
        exact = any(f.evidence and f.evidence.exact is not None for f in first.findings)
        evidence = " (with the exact value)" if exact else ""
        what = f"{first.layer} {first.quantity}".strip() or first.check
        return Row(kind, path.stem, "fails", f"first: {what}{evidence}")
    graded = graded_passes(results)
    known = sum(r.status == Status.KNOWN for r in results)
    parts = [f"{what}: {n}" for what, n in sorted(graded.items())]
    parts += [f"the tutorial's registered divergences: {known}"] if known else []
    return Row(kind, path.stem, "passes", "; ".join(parts) or "torch's values everywhere")


def evaluate() -> list[Row]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(os.cpu_count() or 1, mp_context=context) as pool:
        return list(pool.map(judge, *zip(*implementations(), strict=True)))


def markdown(rows: list[Row]) -> str:
    lines = ["| kind | implementation | verdict | what the checks found |", "|---|---|---|---|"]
    lines += [f"| {r.kind} | `{r.name}` | {r.verdict} | {r.outcomes} |" for r in rows]
    return "\n".join(lines) + "\n"


def main() -> int:
    rows = evaluate()
    print(markdown(rows), end="")
    wrong = [r for r in rows if r.verdict != EXPECTED.get(r.kind, "passes")]
    return 1 if wrong else 0
