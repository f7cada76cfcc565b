"""Benchmarks run for real only when asked (``pytest --benchmark-only`` or ``nox -s bench``).

A plain ``pytest`` runs each benchmark body once, at its smaller sizes, as a correctness
check: the same switch as ``--benchmark-disable``, set here rather than in ``addopts`` because
``--benchmark-disable`` there would make ``--benchmark-only`` an error.
"""

from __future__ import annotations

import pytest

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
    else:  # pytest-benchmark times nothing under xdist: benchmarks run in one process
        config.option.numprocesses = 0
        config.option.dist = "no"
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        return  # xdist's controller runs no test, and starts its workers once this returns
    import torch  # here, not at the top: 1.4 s of the controller's before any worker started

    torch.set_num_threads(TORCH_THREADS)


# The sizes a plain `pytest` leaves out: the same bodies run at the smaller sizes, and the
# large ones cost seconds each without checking anything more.
LARGE = ("256x256", "1024x1024", "1000samples", "10000samples")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.option.benchmark_disable:
        return
    large = [item for item in items if any(size in item.name for size in LARGE)]
    if large:
        config.hook.pytest_deselected(items=large)
        items[:] = [item for item in items if item not in large]
