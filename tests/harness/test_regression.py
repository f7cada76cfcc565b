"""Regression checking: what a change to an implementation did, check by check and quantity
by quantity (reference.regression), on pairs of versions written for these tests
(tests/impls/versions: one change each to the tutorial's code)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from reference.checks import run_checks
from reference.regression import Change, Transition, compare, compare_quantity, exit_code, render
from reference.reports import Checked, Provenance, Report, dumps, load
from reference.results import Quantity, Result, Value
from reference.subject import load_impl
from reference.versions import VersionError, resolve
from tests.paths import IMPLS, ROOT

VERSIONS = IMPLS / "versions"
TUTORIAL = str(ROOT / "scratch" / "tutorial.py")
# Few checks, so that the fast loop stays fast: the network's partials at one shape and dtype
# (loss, gradients, the step), and its saturated edges in float32 and float64.
PREFIXES = (
    "partials-MyNetwork-3x4-float32-seed0",
    "partials-MyNetwork-3x4-float32-seed1",
    "edge-MyNetwork-float32-z=20,y=0",
    "edge-MyNetwork-float64-z=20,y=0",
)


@cache
def results(spec: str) -> tuple[Result, ...]:
    return tuple(run_checks(load_impl(spec), select=lambda i: i.startswith(PREFIXES)))


def changes(old: str, new: str) -> list[Transition]:
    return compare(results(old), results(new))


def by(transitions: list[Transition], change: Change) -> list[Transition]:
    return [t for t in transitions if t.change == change]


def test_a_refactor_that_changes_no_bit_is_unchanged_everywhere() -> None:
    transitions = changes(TUTORIAL, str(VERSIONS / "refactored.py"))
    assert transitions
    assert {t.change for t in transitions} == {Change.UNCHANGED}
    assert exit_code(transitions) == 0
    assert exit_code(transitions, strict=True) == 0


def test_a_slip_introduced_is_regressed_and_named_by_its_first_wrong_quantity() -> None:
    transitions = changes(TUTORIAL, str(VERSIONS / "bias_gradient_summed.py"))
    regressed = by(transitions, Change.REGRESSED)
    assert regressed
    # dL/db summed over the four outputs: the bias's step is the first wrong quantity.
    assert regressed[0].what == "MyNetwork b after step"
    assert regressed[0].old is not None
    assert regressed[0].new is not None
    assert exit_code(transitions) == 1
    text = render("old", "new", transitions)
    assert text.splitlines()[0].startswith("new against old: ")
    assert "MyNetwork b after step regressed: was passed (matches torch), now failed" in text
    assert "  ulps from the exact value: old " in text  # the check-level case measured too
    assert "the new version's failure:" in text


def test_the_slip_fixed_is_fixed() -> None:
    transitions = changes(str(VERSIONS / "bias_gradient_summed.py"), TUTORIAL)
    assert by(transitions, Change.FIXED)
    assert not by(transitions, Change.REGRESSED)
    assert exit_code(transitions) == 0
    assert exit_code(transitions, strict=True) == 1


def test_other_numerics_within_tolerance_are_changed_with_how_far_they_moved() -> None:
    transitions = changes(TUTORIAL, str(VERSIONS / "step_reordered.py"))
    changed = by(transitions, Change.CHANGED)
    assert changed
    assert not by(transitions, Change.REGRESSED)
    for t in changed:
        assert t.old is not None
        assert t.new is not None
        assert t.old.got is not None
        assert t.new.got is not None
        # Moved by rounding: a few ulps of float32, measured here from the values.
        old, new = t.old.got.array(), t.new.got.array()
        ulps = np.max(np.abs(new.astype(np.float64) - old) / np.spacing(np.abs(old)))
        assert t.moved_ulps == pytest.approx(ulps)
        assert 1 <= ulps <= 16
    assert exit_code(transitions) == 0
    assert exit_code(transitions, strict=True) == 1
    assert "changed values, by how far they moved" in render("old", "new", transitions)


def test_a_version_less_accurate_at_the_edges_is_regressed_there_with_both_distances() -> None:
    transitions = changes(TUTORIAL, str(IMPLS / "inaccurate" / "sigmoid_grad_from_output.py"))
    regressed = by(transitions, Change.REGRESSED)
    assert {t.check.split("-cpu")[0] for t in regressed} >= {
        "edge-MyNetwork-float32-z=20,y=0-two-calls",
    }
    assert all(t.check.startswith("edge-") for t in regressed)  # the middle is untouched
    t = regressed[0]
    # dL/dW at W=20, x=1, y=0 is sigmoid(20): the exact value, computed here.
    assert t.new is not None
    assert t.new.exact is not None
    assert t.new.exact[0] == pytest.approx(1 / (1 + np.exp(-20.0)), rel=1e-15)
    text = render("old", "new", transitions)
    assert "ulps from the exact value: old " in text
    assert ", new " in text


def test_a_check_only_one_version_has_is_new_or_gone() -> None:
    added = changes(TUTORIAL, str(VERSIONS / "with_train_step.py"))
    new = by(added, Change.NEW)
    assert new
    assert all("train_step" in t.check for t in new)
    assert not by(added, Change.REGRESSED)
    assert exit_code(added) == 0
    removed = changes(str(VERSIONS / "with_train_step.py"), TUTORIAL)
    assert {t.check for t in by(removed, Change.GONE)} == {t.check for t in new}


def _quantity(
    got: list[float], reference: list[float], exact: list[float] | None = None
) -> Quantity:
    return Quantity(
        "Sigmoid",
        "yhat",
        Value.of(np.array(got)),
        Value.of(np.array(reference)),
        rtol=1e-7,
        atol=1e-7,
        dtype="float64",
        exact=tuple(exact) if exact is not None else None,
    )


@pytest.mark.parametrize(
    ("old", "new", "change"),
    [
        # Away from the exact value, to torch's (1e-4 off it): still passing against torch,
        # but the distance grew past 2 x the old one + the tolerance.
        (_quantity([1.0], [1.0001], [1.0]), _quantity([1.0001], [1.0001], [1.0]), "regressed"),
        # Torch's is the reference where no exact value was computed: 3e-8 to 6e-8 is within
        # the rule (6e-8 <= 2 x 3e-8 + 1.0000001e-7).
        (_quantity([1.00000003], [1.0]), _quantity([1.00000006], [1.0]), "changed"),
        (_quantity([1.0], [1.0]), _quantity([1.0000003], [1.0]), "regressed"),
        (_quantity([np.nan], [1.0]), _quantity([np.nan], [1.0]), "unchanged"),
        (_quantity([-0.0], [0.0]), _quantity([0.0], [0.0]), "changed"),
        # Not one quantity (a generated sequence whose calls parted): changed, no distance.
        (_quantity([1.0], [1.0]), _quantity([1.0, 2.0], [1.0, 2.0]), "changed"),
    ],
    ids=[
        "to-torch-away-from-exact",
        "within-the-rule",
        "past-the-rule",
        "nan-stays",
        "signed-zero",
        "another-shape",
    ],
)
def test_the_rule(old: Quantity, new: Quantity, change: str) -> None:
    assert compare_quantity("a-check", old, new).change == change


def test_a_report_round_trips_one_check_a_line(tmp_path: Path) -> None:
    saved = Report(
        "tutorial",
        (Checked(Provenance.of("v.py", "file", "_impl_v", TUTORIAL), results(TUTORIAL)),),
        {"torch": "2.13.0"},
    )
    path = tmp_path / "r.json"
    path.write_text(dumps(saved))
    assert load(path) == saved
    text = path.read_text()
    json.loads(text)  # strict JSON
    assert len(text.splitlines()) == len(results(TUTORIAL)) + 4
    digest = hashlib.sha256(Path(TUTORIAL).read_bytes()).hexdigest()
    assert saved.checked[0].implementation.sha256 == digest


def test_an_old_version_that_cannot_be_found_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(VersionError, match=r"implementation file not found: gone\.py"):
        resolve("gone.py")
    with pytest.raises(VersionError, match=r"no report file old\.json"):
        resolve("old.json")
    with pytest.raises(VersionError, match=r"HEAD~1:my_net\.py: not a file, a module or a report"):
        resolve("HEAD~1:my_net.py")  # not a git repository
    (tmp_path / "r.json").write_text("{}")
    with pytest.raises(Exception, match="not a report of this harness"):
        resolve("r.json")


# --- the commands, as a user runs them (slow: each starts the harness and implementations) --

ONLY = ["--only", "partials-MyNetwork-3x4-float32-seed0", "--only", "partials-Sigmoid-3x4-float32"]
BIAS_SLIP = ("loss_wrt_bias = loss_wrt_linear1 * ", "loss_wrt_bias = np.sum(loss_wrt_linear1) * ")


def _run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def installed(installed_site: Path) -> dict[str, str]:
    """The environment of a plain (non-editable) install of the project, outside the clone."""
    return {**os.environ, "PYTHONPATH": str(installed_site)}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A user's git repository: the tutorial's code committed, then a slip committed on it."""
    git = ["git", "-c", "user.name=u", "-c", "user.email=u@example.org"]
    subprocess.run([*git, "init", "-q", str(tmp_path)], check=True)
    code = Path(TUTORIAL).read_text()
    assert BIAS_SLIP[0] in code
    for text, message in ((code, "the tutorial"), (code.replace(*BIAS_SLIP), "dL/db summed")):
        (tmp_path / "my_net.py").write_text(text)
        subprocess.run([*git, "add", "my_net.py"], cwd=tmp_path, check=True)
        subprocess.run([*git, "commit", "-q", "-m", message], cwd=tmp_path, check=True)
    return tmp_path


@pytest.mark.slow  # about 30 s: a wheel built and installed, then five runs of check
def test_check_against_a_git_revision_from_a_plain_install(
    repo: Path, installed: dict[str, str]
) -> None:
    check = ["-m", "reference", "check", "my_net.py", *ONLY]
    slip = _run(*check, "--against", "HEAD~1:my_net.py", cwd=repo, env=installed)
    assert slip.returncode == 1, slip.stderr[-2000:]
    assert "Traceback" not in slip.stdout + slip.stderr
    head = slip.stdout.splitlines()[0]
    assert head.startswith("my_net.py against HEAD~1:my_net.py: ")
    assert "0 fixed" in head
    assert "MyNetwork b after step regressed: was passed (matches torch), now failed" in slip.stdout

    same = _run(*check, "--against", "HEAD:my_net.py", "--strict", cwd=repo, env=installed)
    assert same.returncode == 0, same.stdout[-2000:]
    assert " 0 regressed, 0 fixed, 0 changed," in same.stdout

    # A baseline of the committed tutorial's code; the slip's run writes none.
    (repo / "v1.py").write_text(Path(TUTORIAL).read_text())
    refused = _run(*check, "--save-baseline", "slip.json", cwd=repo, env=installed)
    assert refused.returncode == 1
    assert "baseline not written" in refused.stderr
    assert not (repo / "slip.json").exists()
    v1 = ["-m", "reference", "check", "v1.py", *ONLY, "--save-baseline", "base.json"]
    assert _run(*v1, cwd=repo, env=installed).returncode == 0
    against = _run(*check, "--baseline", "base.json", cwd=repo, env=installed)
    assert against.returncode == 1
    assert against.stdout.splitlines()[0].startswith("my_net.py against base.json: ")


@pytest.mark.slow  # about 15 s: pytest and the implementation's process, twice
def test_pytest_with_a_baseline_fails_only_the_regressed_checks(
    repo: Path, installed: dict[str, str]
) -> None:
    (repo / "v1.py").write_text(Path(TUTORIAL).read_text())
    v1 = ["-m", "reference", "check", "v1.py", *ONLY, "--save-baseline", "base.json"]
    assert _run(*v1, cwd=repo, env=installed).returncode == 0
    assert (repo / "base.json").stat().st_size < 1_000_000
    (repo / "test_mine.py").write_text("def test_conformance(impl, check):\n    check(impl)\n")
    selected = "partials-MyNetwork-3x4-float32-seed0 or partials-Sigmoid-3x4-float32"
    plain = ["-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-k", selected]
    run = _run(*plain, "--impl", "my_net.py", "--baseline", "base.json", cwd=repo, env=installed)
    assert run.returncode == 1, run.stdout[-3000:]
    # The three learning rates' network partials regressed; the sigmoid's five checks pass.
    assert run.stdout.count("FAILED test_mine.py::test_conformance[my_net-partials-MyNetwork") == 3
    assert "3 failed, 5 passed" in run.stdout
    assert "was passed (matches torch), now failed" in run.stdout
    same = _run(*plain, "--impl", "v1.py", "--baseline", "base.json", cwd=repo, env=installed)
    assert same.returncode == 0, same.stdout[-3000:]


@pytest.mark.slow  # about 15 s: two short training runs of three implementations
def test_verify_against_an_old_version(tmp_path: Path) -> None:
    verify = ["-m", "reference", "verify", "--epochs", "30", "--against", TUTORIAL]
    same = _run(
        *verify,
        "--impl",
        str(VERSIONS / "step_reordered.py"),
        "--out",
        str(tmp_path / "a"),
        cwd=ROOT,
    )
    assert same.returncode == 0, same.stdout[-3000:] + same.stderr[-2000:]
    assert "old loss" in same.stdout
    assert "the two versions agree within tolerance over 30 epochs" in same.stdout
    report = json.loads((tmp_path / "a" / "report.json").read_text())
    assert len(report["against"]["trajectory"]["impl_loss"]) == 30
    assert (tmp_path / "a" / "verify.png").exists()
    slip = ROOT / "reference" / "slips" / "sigmoid_grad_no_square.py"
    parted = _run(*verify, "--impl", str(slip), "--out", str(tmp_path / "b"), cwd=ROOT)
    assert parted.returncode == 1
    assert "the two versions part from epoch 0: loss by" in parted.stdout


def test_a_report_of_another_stack_is_said_before_comparing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from reference.reports import stack_versions
    from reference.runner import _unusable

    versions = {**stack_versions(), "torch": "2.12.0"}
    saved = Report("tutorial", (Checked(Provenance("v.py")),), versions)
    assert _unusable(saved, "base.json", "tutorial") == ""  # compared, and said
    assert "base.json was made with another stack: torch 2.12.0 (now " in capsys.readouterr().err
    assert "--expect tutorial" in _unusable(saved, "base.json", "torch")
    two = Report("tutorial", saved.checked * 2, versions)
    assert "holds 2 implementations" in _unusable(two, "base.json", "tutorial")


@pytest.mark.slow  # about 10 s: two implementations' processes
def test_a_new_version_that_exits_in_a_method_regressed_there() -> None:
    hostile = str(IMPLS / "hostile" / "os_exit_in_method.py")
    only = ["--only", "partials-MyNetwork-1x1-float32-seed0"]
    run = _run("-m", "reference", "check", hostile, "--against", "scratch", *only, cwd=ROOT)
    assert run.returncode == 1, run.stderr[-2000:]
    assert "stopped regressed: was passed (matches torch), now failed" in run.stdout
    assert "exited with code 0" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
