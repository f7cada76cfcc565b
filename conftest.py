"""In the clone, ``pytest --impl SPEC`` is the conformance run: it collects the checks of
``tests/conformance/`` alone, not the project's own tests, the harness's self-tests, the docs'
or the benchmarks (which do not take ``--impl``)."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFORMANCE = Path(__file__).resolve().parent / "tests" / "conformance"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if not config.getoption("impl", None) or collection_path.suffix != ".py":
        return None
    return CONFORMANCE not in collection_path.parents or None
