"""The divergence register, pinned: the tutorial's exact value and torch's exact value.

These tests always run the tutorial's formulas (``scratch``), whatever ``--impl`` says: the
register describes the tutorial, and the edge tests use it to judge other implementations.
"""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from reference.cases import EdgePoint, edge_values
from reference.divergences import CAUSES, REGISTER, Divergence, register_markdown, same_value
from reference.readme import README, section


def _point(row: Divergence) -> EdgePoint:
    return EdgePoint(row.layer, row.dtype, tuple(row.inputs.items()))


@pytest.mark.parametrize("row", REGISTER, ids=lambda r: r.id)
def test_tutorial_value_is_pinned(row: Divergence) -> None:
    with np.errstate(all="ignore"):
        got = edge_values(_point(row), scratch)[row.quantity]
    assert same_value(got, row.tutorial), f"tutorial gives {got}, register says {row.tutorial}"


@pytest.mark.parametrize("row", REGISTER, ids=lambda r: r.id)
def test_torch_value_is_pinned(row: Divergence) -> None:
    got = edge_values(_point(row), None)[row.quantity]
    assert same_value(got, row.torch), f"torch gives {got}, register says {row.torch}"


def test_every_row_has_a_cause() -> None:
    assert {row.cause for row in REGISTER} == set(CAUSES)


def test_readme_shows_the_register() -> None:
    assert section(README.read_text(), "register") == register_markdown(), (
        "README.md's divergence register is out of date: run `python -m reference readme`"
    )
