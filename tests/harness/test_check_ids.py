"""Check ids are unique and stable: an expected-failures entry or ``--only`` names one check."""

from __future__ import annotations

from collections import Counter

import pytest

import scratch
import scratch.compiled
import scratch.grown
import scratch.stable
from reference.checks import all_checks


@pytest.mark.parametrize(
    "impl",
    [scratch, scratch.grown, scratch.stable, scratch.compiled],
    ids=lambda m: m.__name__,
)
def test_check_ids_are_unique(impl: object) -> None:
    ids = Counter(c.id for c in all_checks(impl))  # type: ignore[arg-type]
    assert not [i for i, n in ids.items() if n > 1]


def test_the_batch_records_single_sample_checks_have_their_own_ids() -> None:
    ids = [c.id for c in all_checks(scratch.grown)]
    # The tutorial record's check keeps its id; the batch record's single sample is named.
    assert ids.count("partials-Linear-3x4-float32-seed0-cpu") == 1
    assert "partials-Linear-single-3x4-float32-seed0-cpu" in ids
    assert "fd-Linear-dz/dW-single-3x4-seed0" in ids
    assert "partials-Linear-single-3x4-float32-seed0-cpu" not in [c.id for c in all_checks(scratch)]
