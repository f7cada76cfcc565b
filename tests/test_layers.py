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
