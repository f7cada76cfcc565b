"""The evaluation the project reruns: every correct-but-different implementation passes, every
inaccurate one and every slip fails, in one pass; and the README's table is what it found
(at the default budget of generated sequences)."""

from __future__ import annotations

import pytest

from reference.checks.sequences import DEFAULT_SEQUENCES, SEQUENCES
from tools.evaluation import EXPECTED, evaluate, markdown
from tools.readme import README, section

pytestmark = pytest.mark.slow


def test_the_evaluation() -> None:
    rows = evaluate()
    assert sum(r.kind == "correct" for r in rows) >= 15
    assert sum(r.kind == "slips" for r in rows) >= 25
    wrong = [r for r in rows if r.verdict != EXPECTED.get(r.kind, "passes")]
    assert wrong == [], wrong
    # Where a failure rests on a value, the exact value is beside it.
    assert all("exact value" in r.outcomes for r in rows if r.kind == "inaccurate")
    if SEQUENCES != DEFAULT_SEQUENCES:  # nox -s tests: more sequences, other counts
        return
    assert section(README.read_text(), "evaluation") == markdown(rows), (
        "README.md's evaluation table is out of date: run `python -m tools readme`"
    )
