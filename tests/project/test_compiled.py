"""scratch.compiled: every check expecting torch's values (slow: CI runs it), and its own
guarantees: train_epoch is the per-sample loop, in place, with clear errors."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

import scratch.compiled
import scratch.stable
from reference import subject
from reference.checks import Check, parametrize_with_checks
from reference.compare import assert_match
from reference.records import DTYPES, network_sample


@pytest.mark.slow
# The project's own code, trusted: checked in this process (run apart, every verdict is the
# same: python -m tools dump --apart; tests/harness/test_isolation.py holds the boundary).
@parametrize_with_checks(["scratch.compiled"], expect="torch", apart=False)
def test_compiled_passes_every_check_expecting_torch(impl: ModuleType, check: Check) -> None:
    check(impl)


def _samples(n: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    a = network_sample(0, (3, 4), dtype)
    rng = np.random.default_rng(1)
    xs = rng.standard_normal((n, 3)).astype(dtype)
    ys = rng.uniform(0, 1, (n, 4)).astype(dtype)
    return a["W"], a["b"], xs, ys


@pytest.mark.parametrize("dtype", DTYPES.values(), ids=DTYPES.keys())
def test_train_epoch_is_the_per_sample_loop(dtype: np.dtype) -> None:
    """Each sample's loss before its update, and the weights after the last, bit for bit the
    train_step loop's (the same compiled step)."""
    weight, bias, xs, ys = _samples(7, dtype)
    epoch = subject.new_network(scratch.compiled, weight, bias)
    loop = subject.new_network(scratch.compiled, weight, bias)
    losses = epoch.train_epoch(xs, ys, 0.1)
    expected = np.array([loop.train_step(x, y, 0.1) for x, y in zip(xs, ys, strict=True)])
    np.testing.assert_array_equal(losses, expected)
    assert losses.dtype == dtype
    np.testing.assert_array_equal(epoch.linear1.weight, loop.linear1.weight)
    np.testing.assert_array_equal(epoch.linear1.bias, loop.linear1.bias)


@pytest.mark.parametrize("dtype", DTYPES.values(), ids=DTYPES.keys())
def test_a_long_epoch_takes_its_logs_after_the_loop(dtype: np.dtype) -> None:
    """From VECTOR_LOGS_FROM sigmoids the losses are taken after the loop, in NumPy's SIMD
    logs: each still the loss before that sample's update, the -100 clamp included (every
    tenth sample saturates its sigmoids to exactly 0 or 1), against torch's step by step."""
    from reference.twin import TorchTwin

    n = scratch.compiled.VECTOR_LOGS_FROM // 4 + 10
    weight, bias, xs, ys = _samples(n, dtype)
    xs[::10] *= 1e4
    epoch = subject.new_network(scratch.compiled, weight, bias)
    loop = subject.new_network(scratch.compiled, weight, bias)
    twin = TorchTwin(weight, bias, 0.1, "cpu", dtype)
    losses = epoch.train_epoch(xs, ys, 0.1)
    per_step = np.array([loop.train_step(x, y, 0.1) for x, y in zip(xs, ys, strict=True)])
    torch_losses = np.array([twin.step(x, y) for x, y in zip(xs, ys, strict=True)], dtype)
    assert np.any(torch_losses > 100), "no sample reached the clamp"
    where = {"layer": "scratch.compiled", "inputs": {"X": xs, "Y": ys}, "dtype": dtype}
    assert_match(losses, torch_losses, quantity="trajectory", **where)
    assert_match(epoch.linear1.weight, twin.weight, quantity="trained weights", **where)
    # The same compiled step as train_step's, the logs taken another way.
    assert_match(losses, per_step, quantity="loss", **where)
    np.testing.assert_array_equal(epoch.linear1.weight, loop.linear1.weight)


def test_train_epoch_matches_the_two_call_path() -> None:
    weight, bias, xs, ys = _samples(5, np.dtype(np.float64))
    epoch = subject.new_network(scratch.compiled, weight, bias)
    reference = subject.new_network(scratch.stable, weight, bias)
    losses = epoch.train_epoch(xs, ys, 0.1)
    where = {"layer": "scratch.compiled", "inputs": {"X": xs, "Y": ys}, "dtype": np.float64}
    for n, (x, y) in enumerate(zip(xs, ys, strict=True)):
        assert_match(losses[n], reference.forward_loss(x, y), quantity="loss", **where)
        reference.update_weights(x, y, 0.1)
    assert_match(epoch.linear1.weight, reference.linear1.weight, quantity="W after step", **where)


def test_train_step_takes_a_strided_sample() -> None:
    """A strided view is a sample like any other: once a numba typing
    error, since the fast path handed it to a kernel that reshapes it."""
    weight, bias, xs, ys = _samples(1, np.dtype(np.float32))
    strided = subject.new_network(scratch.compiled, weight, bias)
    plain = subject.new_network(scratch.compiled, weight, bias)
    x, y = np.repeat(xs[0], 2)[::2], np.repeat(ys[0], 2)[::2]  # every other element
    assert not x.flags.c_contiguous
    assert not y.flags.c_contiguous
    assert strided.train_step(x, y, 0.1) == plain.train_step(xs[0], ys[0], 0.1)
    np.testing.assert_array_equal(strided.linear1.weight, plain.linear1.weight)


def test_train_epoch_updates_in_place() -> None:
    weight, bias, xs, ys = _samples(3, np.dtype(np.float32))
    net = subject.new_network(scratch.compiled, weight, bias)
    w, b = net.linear1.weight, net.linear1.bias
    net.train_epoch(xs, ys, 0.1)
    assert net.linear1.weight is w
    assert net.linear1.bias is b
    assert not np.array_equal(w, weight)


@pytest.mark.parametrize(
    ("xs", "ys", "message"),
    [
        (np.ones((2, 2), np.float32), np.zeros((2, 4), np.float32), r"Shape error: X \(2, 2\)"),
        (np.ones((2, 3), np.float32), np.zeros((3, 4), np.float32), r"and Y \(3, 4\)"),
        (np.ones(3, np.float32), np.zeros((1, 4), np.float32), "X must have 2 dimension"),
        (np.ones((1, 3), np.float32), np.full((1, 4), 2.0, np.float32), "Domain error for y"),
        (np.full((1, 3), np.nan, np.float32), np.zeros((1, 4), np.float32), "X contains NaN"),
    ],
    ids=["x-width", "rows", "ndim", "label-range", "nan"],
)
def test_train_epoch_rejects_bad_input(xs: np.ndarray, ys: np.ndarray, message: str) -> None:
    net = scratch.compiled.MyNetwork(3, 4)
    with pytest.raises(ValueError, match=message):
        net.train_epoch(xs, ys, 0.1)


def test_compiled_is_silent_at_the_edges() -> None:
    """No warning, no NaN at saturated logits: torch's values (warnings are errors here)."""
    z = np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0], np.float32)
    yhat = scratch.compiled.Sigmoid().forward(z)
    np.testing.assert_array_equal(yhat, [0.0, 0.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(
        scratch.compiled.Sigmoid().backward(z).output_wrt_x, [0, 0, 0.25, 0, 0]
    )
    loss = scratch.compiled.BinaryCrossEntropyLoss().forward(yhat, np.full(5, 0.5, np.float32))
    np.testing.assert_array_equal(loss, [50.0, 50.0, np.log(2, dtype=np.float32), 50.0, 50.0])


@pytest.mark.parametrize("shape", [(1, 1), (3, 4), (9, 16)], ids=["1x1", "3x4", "9x16"])
def test_a_small_layer_runs_the_loop_compiled_for_its_shape(shape: tuple[int, int]) -> None:
    """Up to SHAPED_UP_TO weights the epoch's loop is compiled for the layer's shape (its
    sizes as tuple lengths): the weights and sigmoids of the loop for any shape, within the
    tolerance table (the dot products' terms may be summed in another order)."""
    a = network_sample(0, shape, np.dtype(np.float32))
    assert a["W"].size <= scratch.compiled.SHAPED_UP_TO
    outs, ins = scratch.compiled.loop_shape(a["W"])
    assert (len(outs), len(ins)) == a["W"].shape
    rng = np.random.default_rng(2)
    xs = rng.standard_normal((50, shape[0])).astype(np.float32)
    ys = rng.uniform(0, 1, (50, shape[1])).astype(np.float32)
    results = []
    for sizes in [(outs, ins), a["W"].shape]:
        weight, bias = a["W"].copy(), a["b"].copy()
        ss, _ = scratch.compiled._epoch(weight, bias, xs, ys, 0.1, False, *sizes)
        results.append((ss, weight, bias))
    (ss, weight, bias), (ss_any, weight_any, bias_any) = results
    where = {"layer": "scratch.compiled", "inputs": {"X": xs, "Y": ys}, "dtype": np.float32}
    assert_match(ss, ss_any, quantity="yhat", **where)
    assert_match(weight, weight_any, quantity="W after step", **where)
    assert_match(bias, bias_any, quantity="b after step", **where)


def test_a_layer_past_the_limit_runs_the_loop_for_any_shape() -> None:
    assert scratch.compiled.loop_shape(np.zeros((12, 13), np.float32)) == (12, 13)


@pytest.mark.parametrize("dtype", DTYPES.values(), ids=DTYPES.keys())
def test_a_large_layer_shares_rows_among_the_cores(dtype: np.dtype) -> None:
    """From PARALLEL_FROM weights the step runs its rows in parallel: the same weights bit for
    bit as the one-thread kernel, the loss summed in another order, and torch's step."""
    from reference.twin import TorchTwin

    a = network_sample(0, (128, 96), dtype)
    assert a["W"].size >= scratch.compiled.PARALLEL_FROM
    net = subject.new_network(scratch.compiled, a["W"], a["b"])
    weight, bias = a["W"].copy(), a["b"].copy()
    loss = net.train_step(a["x"], a["y"], 0.1)
    alone = scratch.compiled._step(weight, bias, a["x"], a["y"], 0.1)
    np.testing.assert_array_equal(net.linear1.weight, weight)
    np.testing.assert_array_equal(net.linear1.bias, bias)
    twin = TorchTwin(a["W"], a["b"], 0.1, "cpu", dtype)
    where = {"layer": "scratch.compiled", "inputs": {"shape": "128x96"}, "dtype": dtype}
    assert_match(loss, np.asarray(alone, dtype), quantity="loss", **where)
    assert_match(loss, np.asarray(twin.step(a["x"], a["y"]), dtype), quantity="loss", **where)
    assert_match(net.linear1.weight, twin.weight, quantity="W after step", **where)
    assert_match(net.linear1.bias, twin.bias, quantity="b after step", **where)


def test_rows_are_shared_only_where_numba_has_more_than_one_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On one core prange is only overhead: a large layer then takes the one-row kernel."""
    large, small = np.zeros((64, 64), np.float32), np.zeros((63, 64), np.float32)
    monkeypatch.setattr(scratch.compiled, "THREADS", 1)
    assert not scratch.compiled._shares_rows(large)
    monkeypatch.setattr(scratch.compiled, "THREADS", 2)
    assert scratch.compiled._shares_rows(large)
    assert not scratch.compiled._shares_rows(small)
