"""The wire (reference/wire.py) carries what an implementation returned to the harness: every
array hypothesis draws crosses with its dtype, shape and bits, inside any container."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reference import wire

DTYPES = st.sampled_from(
    ["float16", "float32", "float64", "int8", "int64", "uint16", "bool", "complex64", "<U3"]
).map(np.dtype)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
ARRAYS = hnp.arrays(DTYPES, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
# Views that are not C-contiguous: a transposed or strided array crosses as its values.
VIEWS = ARRAYS.map(lambda a: a.T[::-1] if a.ndim else a)


def same(a: Any, b: Any) -> bool:
    """Equal bit for bit, type and dtype included (NaN = NaN, -0.0 != 0.0)."""
    if isinstance(a, np.ndarray):
        return (
            type(b) is np.ndarray
            and a.dtype == b.dtype
            and a.shape == b.shape
            and np.ascontiguousarray(a).tobytes() == b.tobytes()
        )
    if isinstance(a, tuple | list):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and repr(a) == repr(b)  # a float by its digits: -0.0, nan


VALUES = st.recursive(
    SCALARS | VIEWS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=100, derandomize=True, deadline=None)
@given(SCALARS)
def test_every_scalar_crosses_as_itself(value: Any) -> None:
    assert same(value, wire.decode(wire.encode(value)))


@settings(max_examples=100, derandomize=True, deadline=None)
@given(ARRAYS | VIEWS)
def test_every_array_crosses_bit_for_bit(array: np.ndarray) -> None:
    assert same(array, wire.decode(wire.encode(array)))


@settings(max_examples=40, derandomize=True, deadline=None)
@given(VALUES)
def test_every_container_crosses_with_its_contents(value: Any) -> None:
    assert same(value, wire.decode(wire.encode(value)))
