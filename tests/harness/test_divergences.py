"""The divergence register, pinned: the tutorial's exact value and torch's exact value.

These tests always run the tutorial's formulas (``scratch``, and ``scratch.grown`` for the
grown derivation's layers), whatever ``--impl`` says: the register describes the tutorial,
and the checks use it to judge other implementations. The
register itself is generated (``python -m tools register``); these tests say when the code
and the file part.
"""

from __future__ import annotations

import numpy as np
import pytest

from reference.divergences import (
    Divergence,
    causes,
    register,
    register_data,
    register_markdown,
    same_value,
)
from reference.golden import same_stack, versions
from reference.records import ALL, EdgePoint, edge_values
from reference.subject import load_impl
from tools.readme import README, section


def _point(row: Divergence) -> EdgePoint:
    (record,) = [r for r in ALL if r.name == row.layer and r.edges]
    return EdgePoint(record, row.dtype, tuple(row.inputs.items()))


@pytest.mark.parametrize("row", register(), ids=lambda r: r.id)
def test_both_values_are_pinned(row: Divergence) -> None:
    point = _point(row)
    with np.errstate(all="ignore"):
        got = edge_values(point, load_impl(point.record.tutorial))[row.quantity]
    assert same_value(got, row.tutorial), f"tutorial gives {got}, register says {row.tutorial}"
    torch_value = edge_values(point, None)[row.quantity]
    assert same_value(torch_value, row.torch), (
        f"torch gives {torch_value}, register says {row.torch}"
    )


def test_every_row_has_a_cause() -> None:
    assert {row.cause for row in register()} == set(causes())


def test_register_is_regenerated_unchanged() -> None:
    """``python -m tools register`` on this code finds nothing to add, drop or change."""
    from tools.register import recompute

    new, problems = recompute(register_data())
    assert problems == []
    assert new["rows"] == register_data()["rows"]


def test_register_versions_are_the_pinned_stack() -> None:
    recorded = register_data()["versions"]
    assert same_stack(
        {k: recorded[k] for k in ("torch", "numpy")}, {k: versions()[k] for k in ("torch", "numpy")}
    )


def test_readme_shows_the_register() -> None:
    assert section(README.read_text(), "register") == register_markdown(), (
        "README.md's divergence register is out of date: run `python -m tools readme`"
    )
