"""scratch.stable: its fused train_step against the two-call path, and its own guarantees."""

from __future__ import annotations

import tracemalloc
from types import ModuleType

import numpy as np
import pytest

import scratch.stable
from reference import subject
from reference.checks import Check, parametrize_with_checks
from reference.compare import assert_match
from reference.records import DTYPES, LEARNING_RATES, SEEDS, SHAPES, TUTORIAL
from reference.records import network_sample as network_inputs
from reference.records.grown import GROWN


# The project's own code, trusted: checked in this process (run apart, every verdict is the
# same: python -m tools dump --apart; tests/harness/test_isolation.py holds the boundary).
@parametrize_with_checks(["scratch.stable"], expect="torch", layers=TUTORIAL, apart=False)
def test_stable_passes_every_check_expecting_torch(impl: ModuleType, check: Check) -> None:
    """scratch.stable promises torch's values at every edge: no divergence is expected of it
    (the runner says so, not the module), and every other check holds as for any impl."""
    check(impl)


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("dtype", DTYPES.values(), ids=DTYPES.keys())
def test_the_loss_reduces_as_torch_does(dtype: np.dtype, reduction: str) -> None:
    """scratch.stable's own grown code, in the fast loop (the slow run checks all of it): the
    loss's reduction and its gradient against nn.BCELoss, on a batch with a saturated
    prediction and soft labels."""
    from reference.twin import bce_partials

    yhat = np.array([[0.0, 0.3], [0.9, 1.0], [0.5, 1e-8]], dtype)
    y = np.array([[0.0, 0.25], [1.0, 0.5], [0.0, 1.0]], dtype)
    loss = scratch.stable.BinaryCrossEntropyLoss(reduction)
    expected = bce_partials(yhat, y, reduction=reduction)
    where = {"layer": "BinaryCrossEntropyLoss", "inputs": {"yhat": yhat, "y": y}, "dtype": dtype}
    assert_match(loss.forward(yhat, y), expected["loss"], quantity="loss", **where)
    total = expected["loss"].sum() if reduction == "sum" else expected["loss"].mean()
    assert_match(loss.reduce(loss.forward(yhat, y)), total, quantity="loss", **where)
    assert_match(
        loss.backward(yhat, y).output_wrt_yhat, expected["dL/dyhat"], quantity="dL/dyhat", **where
    )


@pytest.mark.slow  # the fast loop checks the grown records on scratch.grown
@parametrize_with_checks(["scratch.stable"], expect="torch", layers=GROWN, apart=False)
def test_stable_grown_passes_every_check_expecting_torch(impl: ModuleType, check: Check) -> None:
    """The same promise for the grown derivation: batches, ReLU, Tanh, the two-layer network."""
    check(impl)


@pytest.mark.parametrize("layout", ["C", "Fortran"])
@pytest.mark.parametrize("lr", LEARNING_RATES, ids=lambda lr: f"lr{lr:g}")
@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("dtype", DTYPES.values(), ids=DTYPES.keys())
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_train_step_equals_forward_loss_then_update(
    shape: tuple[int, int], dtype: np.dtype, seed: int, lr: float, layout: str
) -> None:
    """The fused step against the two calls; a Fortran-ordered W takes train_step's NumPy
    path instead of its BLAS one."""
    a = network_inputs(seed, shape, dtype)
    fused = subject.new_network(scratch.stable, a["W"], a["b"])
    if layout == "Fortran":
        fused.linear1.weight = np.asfortranarray(fused.linear1.weight)
    two_calls = subject.new_network(scratch.stable, a["W"], a["b"])
    loss = fused.train_step(a["x"], a["y"], lr)
    expected_loss = two_calls.forward_loss(a["x"], a["y"])
    two_calls.update_weights(a["x"], a["y"], lr)
    where = {"layer": "scratch.stable", "inputs": {**a, "lr": lr}, "dtype": dtype}
    # The fused loss sums y . (L0 - L1) - sum(L0) rather than the per-element terms: the
    # same value up to rounding, within the float tolerances.
    assert_match(loss, expected_loss, quantity="loss", **where)
    # (-lr * g) * x against lr * (g * x): one rounding apart, within the float tolerances.
    assert_match(fused.linear1.weight, two_calls.linear1.weight, quantity="W after step", **where)
    assert_match(fused.linear1.bias, two_calls.linear1.bias, quantity="b after step", **where)


def test_train_step_updates_in_place() -> None:
    net = scratch.stable.MyNetwork(3, 4)
    weight, bias = net.linear1.weight, net.linear1.bias
    before = weight.copy()
    net.train_step(np.ones(3, np.float32), np.zeros(4, np.float32), 0.1)
    assert net.linear1.weight is weight
    assert net.linear1.bias is bias
    assert not np.array_equal(weight, before)


def test_scratch_has_no_train_step() -> None:
    """The tutorial's network is unchanged: train_step lives beside it, in scratch.stable."""
    assert not hasattr(scratch.MyNetwork, "train_step")


def test_train_step_allocates_nothing_the_size_of_w() -> None:
    """In place, no temporaries the size of W: the whole step at 256x256 allocates less than
    a tenth of W (NumPy's outer product alone would allocate all of it)."""
    a = network_inputs(0, (256, 256), np.float32)
    net = subject.new_network(scratch.stable, a["W"], a["b"])
    net.train_step(a["x"], a["y"], 0.01)  # warm: first-call allocations are not the step's
    tracemalloc.start()
    try:
        net.train_step(a["x"], a["y"], 0.01)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < net.linear1.weight.nbytes / 10, f"peak {peak} bytes, W is {a['W'].nbytes}"


def test_train_step_with_float64_x_on_float32_w_promotes_as_numpy_does() -> None:
    """x of another dtype than W takes NumPy's path: the loss is float64, like forward_loss's
    (W @ x promotes), and the weights keep their dtype."""
    a = network_inputs(0, (3, 4), np.float32)
    x, y = a["x"].astype(np.float64), a["y"].astype(np.float64)
    fused = subject.new_network(scratch.stable, a["W"], a["b"])
    expected = subject.new_network(scratch.stable, a["W"], a["b"]).forward_loss(x, y)
    loss = fused.train_step(x, y, 0.1)
    assert loss.dtype == expected.dtype == np.float64
    where = {"layer": "scratch.stable", "inputs": {"x": x, "y": y}, "dtype": np.float64}
    assert_match(loss, expected, quantity="loss", **where)
    assert fused.linear1.weight.dtype == np.float32
