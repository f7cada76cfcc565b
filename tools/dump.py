"""``python -m tools dump FILE [--apart]``: the ordered results of every check against every
implementation the project has (its own, tests/impls/ but the hostile ones, the slip
catalogue), one JSON line each: the equivalence proof of a refactor of the checks (dump
before, dump after, diff). ``--apart`` runs each implementation in a process of its own
(reference.isolation), as ``check`` does; without it, in the dumping process.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from reference.checks import run_checks
from reference.isolation import run_apart
from reference.subject import load_impl

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("scratch", "scratch.grown", "scratch.stable", "scratch.compiled")


def specs() -> list[str]:
    files = sorted(
        p for p in (ROOT / "tests" / "impls").rglob("[a-z]*.py") if "hostile" not in p.parts
    )
    files += sorted((ROOT / "reference" / "slips").glob("[a-z]*.py"))
    return [*PROJECT, *(str(p.relative_to(ROOT)) for p in files)]


def dump_one(spec: str, apart: bool = False) -> list[str]:
    if apart:
        outcome = run_apart(spec)
        results = outcome.results
        if outcome.stopped is not None:
            return [json.dumps({"impl": spec, "error": str(outcome.stopped)})]
    else:
        try:
            results = run_checks(load_impl(spec))
        except Exception as exc:
            return [json.dumps({"impl": spec, "error": type(exc).__name__})]
    lines = []
    for r in results:
        row = {"impl": spec, "id": r.check, "status": str(r.status), "layer": r.layer}
        row |= {"quantity": r.quantity, "grade": str(r.grade or "")}
        row |= {"message": r.message}
        lines.append(json.dumps(row))
    return lines


def main(argv: list[str]) -> int:
    apart = "--apart" in argv
    argv = [a for a in argv if a != "--apart"]
    out = Path(argv[0] if argv else "out/dump.jsonl")
    out.parent.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(os.cpu_count() or 1, mp_context=context) as pool:
        chunks = list(pool.map(dump_one, specs(), [apart] * len(specs())))
    out.write_text("".join(line + "\n" for chunk in chunks for line in chunk))
    print(f"{sum(map(len, chunks))} results of {len(chunks)} implementations in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
