"""The catalogue of derivation slips (reference/slips/) and the broken fixtures (tests/impls/):
each a mistake a person deriving by hand could make, written as an implementation, each red,
while the tutorial's own code stays green. In-process, through the check generator."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from reference.checks import Result, run_checks
from reference.records import ALL, Record
from reference.records.grown import GROWN as GROWN_LAYERS
from reference.records.grown import TWO_LAYER
from reference.subject import load_impl
from tests.paths import CATALOGUE, IMPLS, SLIPS

# Each broken fixture, and the layer and quantity its first failure must name: the checks
# run in the order a derivation is read, so the first failure is the wrong quantity.
BROKEN = {
    "broken_sign.py": "BinaryCrossEntropyLoss dL/dyhat",
    "broken_clamp.py": "BinaryCrossEntropyLoss loss",
    "broken_chain.py": "MyNetwork W after step",
    "broken_bias.py": "MyNetwork b after step",
}


# The grown derivation's slips (reference/slips/grown_*.py): the layer and quantity each one's
# first failure names.
GROWN = {
    "grown_batch_summed_before_outer": "TwoLayerNetwork W2 after step",
    "grown_bias_grad_averaged": "TwoLayerNetwork b2 after step",
    "grown_bias_grad_not_summed": "TwoLayerNetwork b2 after step",
    "grown_hidden_derivative_at_output": "TwoLayerNetwork W1 after step",
    "grown_hidden_derivative_left_out": "TwoLayerNetwork W1 after step",
    "grown_mean_loss_reported_as_sum": "TwoLayerNetwork loss",
    "grown_mean_missing_in_gradient": "BinaryCrossEntropyLoss dL/dyhat",
    "grown_mean_over_batch_only": "BinaryCrossEntropyLoss dL/dyhat",
    "grown_output_derivative_left_out": "TwoLayerNetwork W2 after step",
    "grown_relu_grad_one_at_zero": "TwoLayerNetwork dL/db1",
    "grown_tanh_grad_no_square": "Tanh dh/dz",
    "grown_w1_grad_with_updated_w2": "TwoLayerNetwork W1 after step",
    "grown_w2_not_transposed": "TwoLayerNetwork W1 after step",
}


def first_failure(path: Path, layers: tuple[Record, ...] = ALL) -> Result | None:
    results = run_checks(load_impl(str(path)), stop_at_first_failure=True, layers=layers)
    failures = [r for r in results if r.status not in ("passed", "known")]
    return failures[0] if failures else None


def test_catalogue_is_large_enough() -> None:
    assert len(SLIPS) >= 15
    assert sorted(p.stem for p in SLIPS if p.stem.startswith("grown_")) == sorted(GROWN)
    assert len(GROWN) >= 12


@pytest.mark.parametrize(("slip", "what"), GROWN.items(), ids=list(GROWN))
def test_grown_slip_fails_first_by_the_wrong_quantity(slip: str, what: str) -> None:
    # The grown records alone: a grown slip's tutorial layers are scratch.grown's, which the
    # tutorial's records pass (tests/project/test_grown.py checks them all in the slow run).
    failure = first_failure(CATALOGUE / f"{slip}.py", GROWN_LAYERS)
    assert failure is not None, f"no check caught the slip {slip}"
    assert f"{failure.layer} {failure.quantity}" == what, failure.message


TUTORIAL_SLIPS = [p for p in SLIPS if p.stem not in GROWN]  # the grown ones: below, by name


@pytest.mark.parametrize("slip", TUTORIAL_SLIPS, ids=[p.stem for p in TUTORIAL_SLIPS])
def test_slip_turns_the_checks_red(slip: Path) -> None:
    first_line = slip.read_text().splitlines()[0]
    assert first_failure(slip) is not None, f"no check caught the slip {slip.stem}: {first_line}"


@pytest.mark.parametrize(("fixture", "what"), BROKEN.items(), ids=list(BROKEN))
def test_broken_fixture_fails_first_by_the_wrong_quantity(fixture: str, what: str) -> None:
    failure = first_failure(IMPLS / fixture)
    assert failure is not None, f"{fixture} failed no check"
    assert f"{failure.layer} {failure.quantity}" == what, failure.message
    assert failure.message.startswith(f"{what} differs from the reference"), failure.message


# The tutorial's own code stays green: tests/harness/test_verify.py checks it in full (every check
# passes but its registered divergences, which are known; none fails).


def test_the_grown_slips_base_is_right() -> None:
    """The step-by-step network the grown slips override one step of passes by itself: each
    slip's failure is its own step's."""
    sys.path.insert(0, str(CATALOGUE))
    try:
        import _grown
    finally:
        sys.path.remove(str(CATALOGUE))
    module = ModuleType("steps")
    module.__dict__.update({name: getattr(_grown, name) for name in _grown.__all__})
    module.TwoLayerNetwork = _grown.TwoLayerSteps  # type: ignore[attr-defined]
    results = run_checks(
        module, layers=(TWO_LAYER,), select=lambda i: i.startswith(("partials-", "edge-"))
    )
    failed = [r for r in results if r.status not in ("passed", "known")]  # known: the edges'
    assert not failed, failed[0].message
