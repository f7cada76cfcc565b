"""The network: one SGD step per sample, and whole training runs, against the torch twin."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from reference import impl as impl_side
from reference.cases import DTYPES, LEARNING_RATES, SEEDS, SHAPES, network_inputs
from reference.compare import assert_match
from reference.twin import TorchTwin
from reference.verify import train_side_by_side


@pytest.mark.parametrize("lr", LEARNING_RATES, ids=lambda lr: f"lr{lr:g}")
@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("dtype", DTYPES.values(), ids=DTYPES.keys())
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_step_matches_sgd(
    impl: ModuleType,
    step_path: str,
    shape: tuple[int, int],
    dtype: np.dtype,
    seed: int,
    lr: float,
    device: str,
) -> None:
    """forward_loss then update_weights (or train_step) == BCELoss(sum), backward, SGD.step:
    the loss, W and b."""
    a = network_inputs(seed, shape, dtype)
    net = impl_side.new_network(impl, a["W"], a["b"])
    twin = TorchTwin(a["W"], a["b"], lr, device, dtype)
    expected_loss = twin.step(a["x"], a["y"])
    got = impl_side.step(net, a["x"], a["y"], lr, step_path)
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
    """The tutorial's loop on its five samples, epoch by epoch, against the torch twin
    (trained side by side as the main job trains them)."""
    run = train_side_by_side(impl, seed, TRAINING_EPOCHS, lr, dtype, device)
    assert run.crash is None, run.crash
    where = {"layer": "MyNetwork", "inputs": {"seed": seed, "lr": lr}, "dtype": dtype}
    assert_match(np.array(run.impl_loss), np.array(run.torch_loss), quantity="trajectory", **where)
    assert_match(run.impl_weights[0], run.torch_weights[0], quantity="trained weights", **where)
    assert_match(run.impl_weights[1], run.torch_weights[1], quantity="trained weights", **where)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_initial_weights_are_the_tutorials(
    impl: ModuleType, shape: tuple[int, int], seed: int
) -> None:
    """MyNetwork draws W then b with np.random.randn under the global seed, in float32."""
    in_features, out_features = shape
    np.random.seed(seed)
    net = impl.MyNetwork(in_features, out_features)
    np.random.seed(seed)
    weight = np.random.randn(out_features, in_features).astype(np.float32)
    bias = np.random.randn(out_features).astype(np.float32)
    for name, got, expected in (("W", net.linear1.weight, weight), ("b", net.linear1.bias, bias)):
        assert got.dtype == np.float32, f"initial {name} is {got.dtype}, the tutorial's is float32"
        np.testing.assert_array_equal(got, expected, err_msg=f"initial {name}")
