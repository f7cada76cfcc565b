"""Shared fixtures: the implementation under test (``--impl``), devices, and clean RNG state."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest
import torch

from reference.impl import DEFAULT_IMPL, load_impl

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


@pytest.fixture(scope="session")
def impl(request: pytest.FixtureRequest) -> ModuleType:
    """The implementation under test, loaded once and checked against the tutorial's API."""
    return load_impl(request.config.getoption("--impl"))


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Every test starts from the same global RNG state, whatever ran before it."""
    np.random.seed(0)
    torch.manual_seed(0)
