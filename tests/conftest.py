"""Shared fixtures: the implementation under test (``--impl``), devices, and clean RNG state."""

from __future__ import annotations

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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--impl",
        default=DEFAULT_IMPL,
        help="implementation to check: a module name or a .py file (default: %(default)s)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"implementation under test: {config.getoption('--impl')}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Check ``--impl`` before any test runs: a broken contract is a usage error, not 300."""
    try:
        session.config.stash[IMPL] = load_impl(session.config.getoption("--impl"))
    except ContractError as exc:
        raise pytest.UsageError(str(exc)) from exc


IMPL = pytest.StashKey[ModuleType]()


@pytest.fixture(scope="session")
def impl(request: pytest.FixtureRequest) -> ModuleType:
    """The implementation under test, checked against the tutorial's API at session start."""
    return request.config.stash[IMPL]


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Every test starts from the same global RNG state, whatever ran before it."""
    np.random.seed(0)
    torch.manual_seed(0)
