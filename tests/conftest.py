"""Shared fixtures of the harness's self-tests. The options ``--impl``, ``--expect`` and
``--xfails-file`` come from the plugin (reference/pytest_plugin.py), loaded by its entry
point wherever the package is installed."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.paths import ROOT


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Every test starts from the same global RNG state, whatever ran before it."""
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture(scope="session")
def installed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain (non-editable) install of the project, outside the clone: a wheel built from
    the clone and installed into a folder (put it on PYTHONPATH). One build at a time: the
    build writes into the clone, and xdist's workers would race."""
    folder = tmp_path_factory.mktemp("wheel")
    with (ROOT / ".wheel-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wheel = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder)]
        subprocess.run([*wheel, str(ROOT)], check=True, capture_output=True)
    site = folder / "site"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site)]
    subprocess.run([*pip, *map(str, folder.glob("*.whl"))], check=True, capture_output=True)
    return site
