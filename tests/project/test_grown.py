"""The grown derivation (``scratch.grown``): mini-batches, ReLU and Tanh, the mean reduction and
the two-layer network, written in the tutorial's style, against every check of the grown
records (the tutorial's own records run on it in the slow test, where its registered
divergences are the tutorial's)."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

import scratch.grown
from reference.checks import Check, parametrize_with_checks, run_checks
from reference.compare import assert_match
from reference.records import Record
from reference.records.grown import GROWN, NETWORK_BATCH, TANH, TWO_LAYER
from reference.subject import load_impl
from tests.paths import IMPLS


# The project's own code, trusted: checked in this process (run apart, every verdict is the
# same: python -m tools dump --apart; tests/harness/test_isolation.py holds the boundary).
@parametrize_with_checks(["scratch.grown"], layers=GROWN, apart=False)
def test_grown(impl: ModuleType, check: Check) -> None:
    check(impl)


@pytest.mark.slow
def test_grown_passes_every_check() -> None:
    results = run_checks(scratch.grown)
    failed = [r for r in results if r.status not in ("passed", "known")]
    assert not failed, failed[0].message


def test_one_sample_is_the_tutorial_network() -> None:
    """For one sample the grown MyNetwork takes the tutorial's step (to float32 rounding:
    x @ W.T sums in another order than W @ x)."""
    import scratch

    np.random.seed(3)
    mine = scratch.grown.MyNetwork(3, 4)
    np.random.seed(3)
    theirs = scratch.MyNetwork(3, 4)
    x, y = np.array([1, 3, 5], np.float32), np.array([1, 0, 0, 0], np.float32)
    where = {"layer": "MyNetwork", "inputs": {"x": x, "y": y}, "dtype": np.float32}
    loss = np.float32(mine.forward_loss(x, y))
    assert_match(loss, np.float32(theirs.forward_loss(x, y)), quantity="loss", **where)
    mine.update_weights(x, y, 0.01)
    theirs.update_weights(x, y, 0.01)
    for quantity, got, expected in (
        ("W after step", mine.linear1.weight, theirs.linear1.weight),
        ("b after step", mine.linear1.bias, theirs.linear1.bias),
    ):
        assert_match(got, expected, quantity=quantity, **where)


@pytest.mark.parametrize("bad", ["gelu", "ReLU", ""])
def test_unknown_activation_is_named(bad: str) -> None:
    with pytest.raises(
        ValueError, match=f"activation must be one of relu, tanh, sigmoid, got '{bad}'"
    ):
        scratch.grown.TwoLayerNetwork(3, 4, 1, activation=bad)


def test_unknown_reduction_is_named() -> None:
    with pytest.raises(ValueError, match="reduction must be 'sum' or 'mean', got 'max'"):
        scratch.grown.BinaryCrossEntropyLoss("max")


def test_batch_shape_errors_are_named() -> None:
    net = scratch.grown.TwoLayerNetwork(3, 4, 1)
    with pytest.raises(ValueError, match=r"x has shape \(4, 2\), expected \(batch, 3\)"):
        net.forward_loss(np.ones((4, 2), np.float32), np.ones((4, 1), np.float32))
    with pytest.raises(ValueError, match=r"Shape difference: yhat \(4, 1\) vs y \(4,\)"):
        net.update_weights(np.ones((4, 3), np.float32), np.ones(4, np.float32), 0.1)


def test_the_grown_records_find_a_slip() -> None:
    """A grown-derivation slip fails by name (more in tests/harness/test_slips.py)."""

    class Slipped(scratch.grown.Tanh):
        def backward(self, x: np.ndarray) -> scratch.grown.ActivationPartials:
            return scratch.grown.ActivationPartials(1 - np.tanh(x))

    module = ModuleType("slipped")
    module.Tanh = Slipped  # type: ignore[attr-defined]

    failed = [r for r in run_checks(module, layers=(TANH,)) if r.status == "failed"]
    assert {f"{r.layer} {r.quantity}" for r in failed} == {"Tanh dh/dz"}


FROM_SCRATCH = IMPLS / "correct" / "two_layer_from_scratch.py"


@pytest.mark.slow  # 2 s; test_grown's fast checks cover the same records on scratch.grown
def test_a_two_layer_network_written_from_scratch_passes_the_network_checks() -> None:
    """Another author's two-layer network (a list of layers walked forward and back, torch's
    numerics), on the network's own record: its partials, edges, runs and properties."""
    results = run_checks(load_impl(str(FROM_SCRATCH)), layers=(TWO_LAYER,), expect="torch")
    assert {r.status for r in results} == {"passed"}, next(
        r.message for r in results if r.status != "passed"
    )


@pytest.mark.slow
def test_a_two_layer_network_written_from_scratch_passes_every_check(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from reference.__main__ import main

    assert main(["check", str(FROM_SCRATCH), "--expect", "torch", "--jobs", "1"]) == 0
    assert "two_layer_from_scratch  " in capsys.readouterr().out


def test_the_xor_data_is_xor_and_needs_the_hidden_layer() -> None:
    """32 points, labels 1 where x0 * x1 > 0 (no product exactly 0, so > and >= agree), both
    classes present; no single linear layer separates them (least squares on [x, 1] leaves
    some points on the wrong side)."""
    from scratch.data import xor_samples

    data = xor_samples(np.float64)
    x = np.stack([x for x, _ in data])
    y = np.stack([y for _, y in data])[:, 0]
    assert x.shape == (32, 2)
    assert np.all(x[:, 0] * x[:, 1] != 0)
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] > 0).astype(float))
    assert 0 < y.sum() < 32
    design = np.column_stack([x, np.ones(32)])
    w, *_ = np.linalg.lstsq(design, 2 * y - 1, rcond=None)
    assert np.any((design @ w > 0) != (y == 1))


@pytest.mark.parametrize("record", [TWO_LAYER, NETWORK_BATCH], ids=lambda r: r.name)
def test_the_exact_values_agree_with_autograd_in_the_normal_range(record: Record) -> None:
    """The mpmath oracle of the two-layer network and of the tutorial's network on a batch,
    against torch in float64 away from the edges: both conventions, every quantity."""
    from reference import oracle

    # Seeds 0-2 draw each activation, each on one of the record's shapes (batches included).
    for seed, shape in zip((0, 1, 2), record.shapes.values(), strict=True):
        a = {**record.sample(seed, shape, np.float64), "lr": np.array(0.1)}
        for quantity, value in record.torch(a, "cpu").items():
            exact = oracle.exact(record, a, quantity)
            for convention in (oracle.MATHEMATICS, oracle.TORCH):
                nearest = oracle.nearest(exact[convention], np.float64, np.shape(value))
                where = {"layer": record.name, "inputs": a, "dtype": np.float64}
                assert_match(nearest, value, quantity=quantity, **where)
