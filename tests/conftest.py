"""Shared fixtures of the harness's self-tests. The options ``--impl``, ``--expect`` and
``--xfails-file`` come from the plugin (reference/pytest_plugin.py), loaded by its entry
point wherever the package is installed."""

from __future__ import annotations

import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Every test starts from the same global RNG state, whatever ran before it."""
    np.random.seed(0)
    torch.manual_seed(0)
