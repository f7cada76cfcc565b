"""Scores for a class: a scoring file, and Gradescope's ``results.json`` from a report.

A scoring file (TOML) lists the tests a student sees, each a set of checks chosen by glob
patterns over check ids, worth some points::

    details = "hidden"            # when students see expected values and slip names

    [[test]]
    name = "Sigmoid"
    checks = ["*-Sigmoid-*"]
    points = 10
    partial = true                # points in proportion to the checks passed (default)

A check counts in the first test whose patterns match it; a check no test matches is not
scored (the output says how many). A pattern that matches no check is an error, and so is
any key this module does not know. Without a file, :data:`DEFAULT` scores each of the
tutorial's layers and its network (with its state and its runs), 10 points each.

A passed check and a registered divergence (known) earn their share; a failure, a check
that cannot run and a check left unrun by a stop do not. Each test's ``output`` names what
failed and the student's own values; the expected values, the exact values and the name of
the slip that gives the same value (a failure's full report) go into a test of their own,
worth nothing, with the ``details`` visibility: ``hidden`` (the default: teachers only),
``after_due_date``, ``after_published`` or ``visible`` (then they join the test's output).
Gradescope hides a student's total while any test is ``after_due_date`` or
``after_published`` and not yet shown (its spec): ``hidden`` does not.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reference.checks import all_checks
from reference.reports import Checked, Report
from reference.results import Result, Status

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")

DEFAULT = """
[[test]]
name = "Linear"
checks = ["*-Linear-*"]
points = 10

[[test]]
name = "Sigmoid"
checks = ["*-Sigmoid-*"]
points = 10

[[test]]
name = "BinaryCrossEntropyLoss"
checks = ["*-BinaryCrossEntropyLoss-*", "sum-past-the-clamp-*"]
points = 10

[[test]]
name = "MyNetwork"
checks = ["*-MyNetwork-*", "initial-weights-*", "golden-*", "long-run-*", "property-*",
          "state-*"]
points = 10
"""


class ScoringError(Exception):
    """A scoring file that cannot be used: named, with the key, in one line."""


@dataclass(frozen=True)
class Test:
    name: str
    checks: tuple[str, ...]
    points: float
    partial: bool = True
    visibility: str = "visible"

    def matches(self, check_id: str) -> bool:
        return any(fnmatch.fnmatchcase(check_id, pattern) for pattern in self.checks)


@dataclass(frozen=True)
class Scoring:
    tests: tuple[Test, ...]
    details: str = "hidden"
    source: str = "the default scoring"

    def test_of(self, check_id: str) -> Test | None:
        return next((t for t in self.tests if t.matches(check_id)), None)


_TEST_KEYS = {"name", "checks", "points", "partial", "visibility"}
_TOP_KEYS = {"test", "details"}


def _visibility(value: Any, where: str) -> str:
    if value not in VISIBILITIES:
        raise ScoringError(f"{where}: visibility {value!r} is not one of {', '.join(VISIBILITIES)}")
    return str(value)


def parse(text: str, source: str) -> Scoring:
    """A scoring file's text as a :class:`Scoring`; :class:`ScoringError` names what is
    wrong, once."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScoringError(f"{source} is not TOML: {exc}") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ScoringError(f"{source}: unknown key {sorted(unknown)[0]!r} (known: test, details)")
    entries = data.get("test")
    if not isinstance(entries, list) or not entries:
        raise ScoringError(f"{source}: no [[test]] tables")
    ids = [c.id for c in all_checks()]
    tests = []
    for number, entry in enumerate(entries, 1):
        where = f"{source}: test {number}"
        unknown = set(entry) - _TEST_KEYS
        if unknown:
            raise ScoringError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        name, patterns, points = entry.get("name"), entry.get("checks"), entry.get("points")
        if not isinstance(name, str) or not name:
            raise ScoringError(f"{where}: needs a name")
        where = f"{source}: test {name!r}"
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise ScoringError(f"{where}: checks must be a list of check-id patterns")
        if isinstance(points, bool) or not isinstance(points, int | float) or points < 0:
            raise ScoringError(f"{where}: points must be a number, 0 or more")
        for pattern in patterns:
            if not any(fnmatch.fnmatchcase(i, pattern) for i in ids):
                raise ScoringError(f"{where}: the pattern {pattern!r} matches no check")
        partial = entry.get("partial", True)
        if not isinstance(partial, bool):
            raise ScoringError(f"{where}: partial must be true or false")
        visibility = _visibility(entry.get("visibility", "visible"), where)
        tests.append(Test(name, tuple(patterns), float(points), partial, visibility))
    details = _visibility(data.get("details", "hidden"), f"{source}: details")
    return Scoring(tuple(tests), details, source)


def load(path: Path | None) -> Scoring:
    if path is None:
        return parse(DEFAULT, "the default scoring")
    try:
        return parse(path.read_text(), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise ScoringError(f"cannot read the scoring file {path}: {exc}") from None


# --- Gradescope -----------------------------------------------------------------------------


def _earned(result: Result | None) -> bool:
    return result is not None and result.status in (Status.PASSED, Status.KNOWN)


def _student_view(result: Result) -> str:
    """What failed, at which input, with the student's own value: never the expected value,
    the exact value or a slip's name."""
    line = f"  {result.check}: {result.what}"
    if result.status == Status.CANNOT_RUN:
        return f"{line}: cannot run, lacks {', '.join(result.missing) or 'part of the API'}"
    if result.quantity == "stopped":
        return f"{line}: {result.message}"
    finding = next((f for f in result.findings if f.evidence is not None), None)
    if finding is None or finding.evidence is None:
        return f"{line}: wrong"
    evidence = finding.evidence
    inputs = ", ".join(f"{k}={v.array().tolist()}" for k, v in evidence.inputs.items())
    got = evidence.got.array().tolist() if evidence.got is not None else "no array"
    return (
        f"{line}: wrong ({evidence.differs_in or 'value'}) at {inputs or 'its input'}: yours {got}"
    )


def gradescope(checked: Checked, report: Report, scoring: Scoring) -> dict[str, Any]:
    """One submission's ``results.json`` (Gradescope's autograder spec): a test each scoring
    test, its score by the scoring file, and the failures' full reports as tests of their
    own with the ``details`` visibility."""
    by_test: dict[str, list[tuple[str, Result | None]]] = {t.name: [] for t in scoring.tests}
    unscored = 0
    planned = [(r.check, r) for r in checked.results] + [(i, None) for i in checked.not_run]
    for check_id, result in planned:
        test = scoring.test_of(check_id)
        if test is None:
            unscored += 1
        else:
            by_test[test.name].append((check_id, result))
    tests: list[dict[str, Any]] = []
    for test in scoring.tests:
        entries = by_test[test.name]
        earned = sum(_earned(r) for _, r in entries)
        full = bool(entries) and earned == len(entries)
        if checked.error or not entries:
            score = 0.0
        elif test.partial:
            score = test.points * earned / len(entries)
        else:
            score = test.points if full else 0.0
        lines = [f"{earned} of {len(entries)} checks passed."]
        if checked.error:
            lines = [f"not checked: the submission could not be imported: {checked.error}"]
        elif not entries:
            lines = ["no check of this test ran (the submission lacks what it checks)"]
        wrong = [(i, r) for i, r in entries if not _earned(r)]
        shown = [_student_view(r) if r else f"  {i}: not run (stopped)" for i, r in wrong[:10]]
        lines += (["failed:", *shown] if shown else []) + (
            [f"  ... and {len(wrong) - 10} more"] if len(wrong) > 10 else []
        )
        details = [r for _, r in wrong if r is not None and r.message][:3]
        full_text = "\n\n".join(f"{r.check}\n{r.message}" for r in details)
        if full_text and scoring.details == "visible":
            lines += ["", "in full:", full_text]
        tests.append(
            {
                "name": test.name,
                "score": round(score, 4),
                "max_score": test.points,
                "status": "passed" if full and not checked.error else "failed",
                "output": "\n".join(lines),
                "visibility": test.visibility,
            }
        )
        if full_text and scoring.details != "visible":
            tests.append(
                {
                    "name": f"{test.name}: the failures in full",
                    "score": 0.0,
                    "max_score": 0.0,
                    "status": "failed",
                    "output": full_text,
                    "visibility": scoring.details,
                    "tags": ["details"],
                }
            )
    p = checked.implementation
    summary = [
        f"checked {p.path or p.spec} (sha256 {p.sha256 or '-'}, module {p.module or '-'}) "
        f"against torch.nn, scored by {scoring.source}",
        "stack: " + ", ".join(f"{k} {v}" for k, v in report.versions.items()),
    ]
    if checked.stopped:
        summary.append(f"the submission's process stopped the checks: {checked.stopped}")
    if unscored:
        summary.append(f"{unscored} checks ran that no test scores")
    return {
        "score": round(sum(t["score"] for t in tests), 4),
        "execution_time": round(checked.seconds, 3),
        "output": "\n".join(summary),
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {
            "implementation": p.__dict__,
            "versions": report.versions,
            "expect": report.expect,
        },
    }
