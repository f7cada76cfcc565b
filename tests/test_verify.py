"""The main job and ``--impl``: the CLI, its reports, and broken implementations caught."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reference.__main__ import main
from reference.verify import Settings, verify

IMPLS = Path(__file__).resolve().parent / "impls"
ROOT = IMPLS.parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_verify_agrees_on_scratch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--epochs", "60", "--out", str(tmp_path)]) == 0
    stdout = capsys.readouterr().out
    assert "impl loss" in stdout
    assert "torch loss" in stdout
    assert "AGREES" in stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["verdict"] == "agree"
    assert len(report["trajectory"]["impl_loss"]) == 60
    assert report["edges"]["fail"] == []
    assert (tmp_path / "verify.png").stat().st_size > 10_000


def test_verify_on_the_tutorial_settings_compares_published_losses(tmp_path: Path) -> None:
    code = verify(Settings("scratch"), tmp_path)
    assert code == 0
    published = json.loads((tmp_path / "report.json").read_text())["published"]
    assert [row["epoch"] for row in published] == [1997, 1998, 1999]
    # float32 trajectories of two libraries: within 20 ulps of the figure (measured 4.5-12.5
    # for the implementation, 7.5-18 for torch, with OpenBLAS's AVX-512 kernel).
    assert all(abs(row["impl_ulps"]) <= 20 and abs(row["torch_ulps"]) <= 20 for row in published)


def test_verify_reports_are_byte_identical(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert verify(Settings("scratch", epochs=20, dtype="float64"), tmp_path / name) == 0
    assert (tmp_path / "a" / "report.json").read_bytes() == (
        tmp_path / "b" / "report.json"
    ).read_bytes()


# Each broken implementation, and the quantity its first failure must name.
BROKEN = {
    "broken_sign.py": "BinaryCrossEntropyLoss dL/dyhat differs",
    "broken_clamp.py": "BinaryCrossEntropyLoss loss differs",
    "broken_chain.py": "MyNetwork W after step differs",
    "broken_bias.py": "MyNetwork b after step differs",
}
# In the order a derivation is checked: layers, then their edges, then the network's update.
PARITY_FILES = ("tests/test_layers.py", "tests/test_edges.py", "tests/test_network.py")
# One seed in float64 is enough to catch each slip and keeps the four runs short.
SUBSET = "not cuda and not float32 and not 17x5 and not (seed1 or seed2 or seed3 or seed4)"


@pytest.fixture(scope="module")
def broken_suite_failures(run_suite: Callable[..., dict[str, list[str]]]) -> dict[str, list[str]]:
    """The parity suite against all the broken implementations, in one run."""
    return run_suite([str(IMPLS / fixture) for fixture in BROKEN], list(PARITY_FILES), SUBSET)


@pytest.mark.parametrize(("fixture", "first_failure"), BROKEN.items(), ids=list(BROKEN))
def test_broken_implementation_fails_the_suite(
    broken_suite_failures: dict[str, list[str]], fixture: str, first_failure: str
) -> None:
    messages = broken_suite_failures[str(IMPLS / fixture)]
    assert messages, f"{fixture} failed no test"
    assert first_failure in messages[0], messages[0]


@pytest.mark.parametrize("fixture", BROKEN, ids=list(BROKEN))
def test_broken_implementation_fails_verify(fixture: str, tmp_path: Path) -> None:
    code = verify(Settings(str(IMPLS / fixture), epochs=30), tmp_path)
    assert code == 1
    assert json.loads((tmp_path / "report.json").read_text())["verdict"] == "diverge"


def test_contract_breach_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(IMPLS / "broken_contract.py")
    assert main(["verify", "--impl", spec, "--out", str(tmp_path)]) == 2
    assert "missing: class Sigmoid, MyNetwork.update_weights" in capsys.readouterr().err
    suite = run(
        "-m", "pytest", "--impl", spec, "-q", "-p", "no:cacheprovider", "tests/test_edges.py"
    )
    assert suite.returncode == 1
    assert "missing: class Sigmoid" in suite.stdout + suite.stderr


def test_missing_file_is_a_contract_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--impl", "no_such_file.py", "--out", str(tmp_path)]) == 2
    assert "not found: no_such_file.py" in capsys.readouterr().err
