"""The long run: twice the longest stored run's updates in every check, ten times in the slow
tests, against scratch.compiled's run with torch's numerics (reference.checks.runs)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reference.checks import all_checks, result_of
from reference.checks.runs import LONG_EPOCHS
from reference.golden import GOLDEN_RUNS
from reference.results import Status
from reference.subject import load_impl
from tests.paths import CATALOGUE, ROOT


def test_the_long_run_is_twice_the_longest_stored_one() -> None:
    longest = max(epochs for _, _, epochs, _ in GOLDEN_RUNS.values())
    assert 5 * LONG_EPOCHS >= 2 * 5 * longest  # updates: five samples an epoch


@pytest.mark.slow  # about 3 s: 20,000 updates of the slip, and all its fixed network checks
def test_a_slip_that_starts_after_many_updates_fails_the_long_run_only() -> None:
    impl = load_impl(str(CATALOGUE / "update_schedule_after_many_steps.py"))
    checks = list(all_checks(impl, devices=("cpu",)))
    runs = [c for c in checks if c.id.startswith(("golden-", "long-run-"))]
    results = {c.id: result_of(c, c.driven(impl)) for c in runs}
    failed = [i for i, r in results.items() if r.status == Status.FAILED]
    assert failed == [f"long-run-{5 * LONG_EPOCHS}-updates"]
    assert results[failed[0]].quantity == "trajectory"


@pytest.mark.slow  # about 15 s: 100,000 updates of the tutorial's code
def test_ten_times_the_longest_stored_run_agrees_for_the_tutorials_code() -> None:
    env = {**os.environ, "BCE_HARNESS_LONG_EPOCHS": str(10 * 2000)}
    command = [sys.executable, "-m", "reference", "check", "scratch", "--only", "long-run-"]
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert (
        "scratch  1       0      0" in run.stdout.replace("   ", "  ") or " 0       -" in run.stdout
    )
    assert "long-run-100000-updates" not in run.stdout  # it passed: no failure names it
