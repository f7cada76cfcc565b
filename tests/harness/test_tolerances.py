"""The one tolerance table: an unknown name is an error, and every entry is used."""

from __future__ import annotations

import re

import numpy as np
import pytest

from reference.records import ALL
from reference.tolerances import PUBLISHED_ULPS, TOLERANCES, tolerance
from tests.paths import ROOT

SOURCES = [p for d in ("reference", "tests", "tools") for p in (ROOT / d).rglob("*.py")]


def test_unknown_quantity_raises() -> None:
    with pytest.raises(KeyError, match="no tolerance for 'dL/dq' in float32"):
        tolerance(np.float32, "dL/dq")


def _used(name: str) -> bool:
    pattern = re.compile(rf"[\"']{re.escape(name)}[\"']")
    return any(pattern.search(p.read_text()) for p in SOURCES if p.name != "tolerances.py")


@pytest.mark.parametrize(
    "name",
    sorted({name for table in TOLERANCES.values() for name in table} | set(PUBLISHED_ULPS)),
)
def test_every_entry_is_used(name: str) -> None:
    """Each name is a quantity of a layer record or a key that code passes to the table."""
    quantities = set()
    for layer in ALL:
        a = layer.sample(0, next(iter(layer.shapes.values())), np.float64)
        a.update({k: np.array(next(iter(v))) for k, v in layer.grid.items()})
        quantities |= set(layer.torch(a, "cpu"))
    assert name in quantities or _used(name), f"tolerance entry {name!r} is used nowhere"
