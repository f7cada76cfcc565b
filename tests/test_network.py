"""The network: one SGD step per sample, and whole training runs, against the torch twin."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from reference import impl as impl_side
from reference.cases import DTYPES, LEARNING_RATES, SEEDS, SHAPES, network_inputs
from reference.compare import assert_match
from reference.twin import TorchTwin
from scratch.data import IN_FEATURES, OUT_FEATURES, samples


@pytest.mark.parametrize("lr", LEARNING_RATES, ids=lambda lr: f"lr{lr:g}")
@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("dtype", DTYPES.values(), ids=DTYPES.keys())
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_step_matches_sgd(
    impl: ModuleType, shape: tuple[int, int], dtype: np.dtype, seed: int, lr: float, device: str
) -> None:
    """forward_loss then update_weights == BCELoss(sum), backward, SGD.step: loss, W, b."""
    a = network_inputs(seed, shape, dtype)
    net = impl_side.new_network(impl, a["W"], a["b"])
    twin = TorchTwin(a["W"], a["b"], lr, device, dtype)
    expected_loss = twin.step(a["x"], a["y"])
    got = impl_side.step(net, a["x"], a["y"], lr)
    where = {"layer": "MyNetwork", "inputs": {**a, "lr": lr}, "dtype": dtype}
    # The loss is a scalar: compare its value, then check the scratch side kept the dtype.
    assert_match(float(got["loss"]), expected_loss, quantity="loss", **where)
    assert got["loss"].dtype == dtype, f"loss dtype {got['loss'].dtype}, expected {dtype}"
    assert_match(got["W"], twin.weight, quantity="W after step", **where)
    assert_match(got["b"], twin.bias, quantity="b after step", **where)


TRAINING_EPOCHS = 200


@pytest.mark.parametrize("lr", [0.01, 0.03], ids=lambda lr: f"lr{lr:g}")
@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("dtype", DTYPES.values(), ids=DTYPES.keys())
def test_training_run_matches_torch(
    impl: ModuleType, dtype: np.dtype, seed: int, lr: float, device: str
) -> None:
    """The tutorial's loop on its five samples, epoch by epoch, against the torch twin."""
    np.random.seed(seed)
    net = impl.MyNetwork(IN_FEATURES, OUT_FEATURES)
    net.linear1.weight = net.linear1.weight.astype(dtype)
    net.linear1.bias = net.linear1.bias.astype(dtype)
    twin = TorchTwin.from_network(net, lr, device, dtype)
    data = samples(dtype)
    got, expected = [], []
    for _ in range(TRAINING_EPOCHS):
        got.append(sum(float(impl_side.step(net, x, y, lr)["loss"]) for x, y in data))
        expected.append(sum(twin.step(x, y) for x, y in data))
    where = {"layer": "MyNetwork", "inputs": {"seed": seed, "lr": lr}, "dtype": dtype}
    assert_match(np.array(got), np.array(expected), quantity="trajectory", **where)
    assert_match(net.linear1.weight, twin.weight, quantity="trained weights", **where)
    assert_match(net.linear1.bias, twin.bias, quantity="trained weights", **where)
