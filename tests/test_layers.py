"""Layer parity, generic over the registry: every partial of every layer against autograd."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from reference.cases import DTYPES, LAYER_CASES, SEEDS, SHAPES, LayerCase
from reference.compare import assert_match


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("dtype", DTYPES.values(), ids=DTYPES.keys())
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("case", LAYER_CASES, ids=lambda c: c.layer)
def test_partials_match_torch(
    impl: ModuleType,
    case: LayerCase,
    shape: tuple[int, int],
    dtype: np.dtype,
    seed: int,
    device: str,
) -> None:
    inputs = case.inputs(seed, shape, dtype)
    expected = case.torch(inputs, device)
    got = case.impl(impl, inputs)
    for quantity, value in expected.items():
        assert_match(
            got[quantity], value, layer=case.layer, quantity=quantity, inputs=inputs, dtype=dtype
        )


@pytest.mark.parametrize(
    ("yhat", "y"),
    [
        pytest.param([0.2, 0.7], [1.0], id="shape-mismatch"),
        pytest.param([1.5, 0.2], [1.0, 0.0], id="yhat-above-1"),
        pytest.param([0.2, -0.5], [1.0, 0.0], id="yhat-below-0"),
        pytest.param([0.2, 0.7], [2.0, 0.0], id="y-above-1"),
        pytest.param([np.nan, 0.7], [1.0, 0.0], id="yhat-nan"),
    ],
)
def test_loss_raises_on_bad_input(impl: ModuleType, yhat: list[float], y: list[float]) -> None:
    """Any implementation must raise (any exception) rather than return a value."""
    with pytest.raises(Exception):  # noqa: B017, PT011  (the tutorial raises AssertionError)
        impl.BinaryCrossEntropyLoss().forward(np.array(yhat, np.float32), np.array(y, np.float32))


def test_linear_raises_on_wrong_length(impl: ModuleType) -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011
        impl.Linear(3, 4).forward(np.ones(2, np.float32))
