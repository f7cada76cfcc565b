"""Benchmarks run for real only when asked (``pytest --benchmark-only`` or ``nox -s bench``).

A plain ``pytest`` runs each benchmark body once, as a correctness check: the same switch as
``--benchmark-disable``, set here rather than in ``addopts`` because ``--benchmark-disable``
there would make ``--benchmark-only`` an error.
"""

from __future__ import annotations

import pytest
import torch

TORCH_THREADS = 1  # fixed, and recorded in each benchmark's extra_info


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    asked = (
        config.getoption("benchmark_only", False)
        or config.getoption("benchmark_enable", False)
        or config.getoption("benchmark_json", None)
        or config.getoption("benchmark_autosave", False)
        or config.getoption("benchmark_save", None)
    )
    if not asked:
        config.option.benchmark_disable = True
    torch.set_num_threads(TORCH_THREADS)
