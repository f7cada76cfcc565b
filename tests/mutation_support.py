"""A pytest plugin that mutation testing alone loads (``[tool.mutmut]`` in pyproject.toml).

mutmut's stats pass records which tests reach which function, in the test process: its
trampolines read ``MUTANT_UNDER_TEST=stats`` and then mutmut's configuration, found from the
working folder. An implementation's process (reference.isolation) inherits the variable but runs
in a folder of its own, where no configuration is found, and each of its calls fails. Taken out
of the environment (mutmut keeps its own copy in the test process), the implementation's
processes run the original code during the stats pass, and each mutant, set again for its own
run, reaches them as before."""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":
        del os.environ["MUTANT_UNDER_TEST"]
