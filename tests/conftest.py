"""Shared fixtures: the implementations under test (``--impl``), devices, clean RNG state."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree

import numpy as np
import pytest
import torch

from reference.impl import DEFAULT_IMPL, ContractError, load_impl, step_paths

DEVICES = [
    pytest.param("cpu", id="cpu"),
    pytest.param(
        "cuda",
        id="cuda",
        marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device"),
    ),
]
IMPLS = pytest.StashKey[dict[str, ModuleType]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--impl",
        action="append",
        metavar="SPEC",
        help=f"implementation to check: a module name or a .py file (default: {DEFAULT_IMPL}); "
        "repeat it to check several in one run",
    )


def impl_specs(config: pytest.Config) -> list[str]:
    return config.getoption("--impl") or [DEFAULT_IMPL]


def impl_id(spec: str) -> str:
    return Path(spec).stem if spec.endswith(".py") else spec


def pytest_report_header(config: pytest.Config) -> str:
    return "implementations under test: " + ", ".join(impl_specs(config))


def pytest_sessionstart(session: pytest.Session) -> None:
    """Load every ``--impl`` before any test runs: a broken contract ends the run at once,
    as a failure (exit 1) that names what is missing, not as hundreds of errors."""
    try:
        session.config.stash[IMPLS] = {s: load_impl(s) for s in impl_specs(session.config)}
    except ContractError as exc:
        pytest.exit(str(exc), returncode=pytest.ExitCode.TESTS_FAILED)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that takes ``impl`` runs for each ``--impl``; one that also takes
    ``step_path`` runs for each way that implementation has of taking a step."""
    if "impl" not in metafunc.fixturenames:
        return
    specs = impl_specs(metafunc.config)
    if "step_path" not in metafunc.fixturenames:
        ids = [impl_id(s) for s in specs]
        metafunc.parametrize("impl", specs, ids=ids, indirect=True)
        return
    modules = metafunc.config.stash[IMPLS]
    pairs = [(s, path) for s in specs for path in step_paths(modules[s])]
    metafunc.parametrize(
        ("impl", "step_path"),
        pairs,
        ids=[f"{impl_id(s)}-{path}" for s, path in pairs],
        indirect=["impl"],
    )


@pytest.fixture
def impl(request: pytest.FixtureRequest) -> ModuleType:
    """An implementation under test, checked against the tutorial's API at session start."""
    return request.config.stash[IMPLS][request.param]


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Every test starts from the same global RNG state, whatever ran before it."""
    np.random.seed(0)
    torch.manual_seed(0)


ROOT = Path(__file__).resolve().parent.parent
SuiteRun = Callable[..., dict[str, list[str]]]


@pytest.fixture(scope="session")
def run_suite(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    """Run the parity suite in a fresh process against implementations; return, for each
    implementation, the messages of its failing tests in the order the tests ran (read from
    pytest's JUnit report)."""

    def run(specs: list[str], files: list[str], select: str) -> dict[str, list[str]]:
        report = tmp_path_factory.mktemp("suite") / "junit.xml"
        command = [sys.executable, "-m", "pytest", *[f"--impl={s}" for s in specs], "-q"]
        command += ["-p", "no:cacheprovider", "-p", "no:randomly", f"--junitxml={report}"]
        out = subprocess.run(
            [*command, "-k", select, *files], capture_output=True, text=True, cwd=ROOT, check=False
        )
        if out.returncode not in (0, 1):
            raise RuntimeError(
                f"the suite did not run (exit {out.returncode}):\n{out.stdout[-3000:]}"
            )
        failures: dict[str, list[str]] = {spec: [] for spec in specs}
        for case in ElementTree.parse(report).iter("testcase"):
            params = case.get("name", "").partition("[")[2].rstrip("]").split("-")
            for failure in case.iter("failure"):
                for spec in specs:
                    if impl_id(spec) in params:
                        failures[spec].append(failure.get("message", ""))
        return failures

    return run
