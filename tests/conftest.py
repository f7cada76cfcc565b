"""Shared fixtures: the implementations under test (``--impl``), devices, clean RNG state."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import torch

from reference.impl import DEFAULT_IMPL, ContractError, load_impl

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
    """Load every ``--impl`` before any test runs: a broken contract is a usage error."""
    try:
        session.config.stash[IMPLS] = {s: load_impl(s) for s in impl_specs(session.config)}
    except ContractError as exc:
        raise pytest.UsageError(str(exc)) from exc


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "impl" in metafunc.fixturenames:
        specs = impl_specs(metafunc.config)
        ids = [impl_id(s) for s in specs]
        metafunc.parametrize("impl", specs, ids=ids, indirect=True, scope="session")


@pytest.fixture(scope="session")
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
