"""The tutorial's five samples, its settings, and its training loop."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

# Rule of the data: the first input is an indicator for the first label.
# fmt: off
SAMPLE_INPUTS =  [[1, 3, 5],    [1, 9, 5],    [1, 2, 5],    [0, 9, 5],    [0, 0, 5]]
SAMPLE_OUTPUTS = [[1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
# fmt: on

SEED = 42
LR = 0.01
EPOCHS = 2000
IN_FEATURES, OUT_FEATURES = 3, 4

# What the tutorial printed for its last three epochs.
PUBLISHED_LOSSES = {
    1997: 0.2139563336968422,
    1998: 0.21384888887405396,
    1999: 0.2137417010962963,
}


def samples(dtype: Any = np.float32) -> list[tuple[np.ndarray, np.ndarray]]:
    """The five (x, y) pairs, converted as the tutorial converts them."""
    return [
        (np.array(x).astype(dtype), np.array(y).astype(dtype))
        for x, y in zip(SAMPLE_INPUTS, SAMPLE_OUTPUTS, strict=True)
    ]


def train(net: Any, epochs: int = EPOCHS, lr: float = LR, dtype: Any = np.float32) -> Iterator[Any]:
    """The tutorial's loop: per-sample loss then update; yields each epoch's total loss.

    ``total_loss`` starts as the int 0, as in the tutorial, so its type follows NumPy's
    promotion rules (a float32 scalar under NumPy 2).
    """
    data = samples(dtype)
    for _ in range(epochs):
        total_loss = 0
        for np_x, np_y in data:
            total_loss += net.forward_loss(np_x, np_y)
            net.update_weights(np_x, np_y, lr)
        yield total_loss


# A data set for a hidden layer: XOR of the signs of two inputs, which no single linear layer
# separates. Generated, not shipped: 32 points drawn uniformly from [-1, 1]^2 by NumPy's PCG64
# with seed 0, each labelled 1 where x0 * x1 > 0.
XOR_SIZE, XOR_SEED = 32, 0


def xor_samples(dtype: Any = np.float32) -> list[tuple[np.ndarray, np.ndarray]]:
    """The XOR data: 32 (x, y) pairs, x of 2 features, y of 1 label."""
    x = np.random.default_rng(XOR_SEED).uniform(-1.0, 1.0, (XOR_SIZE, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(np.float64)[:, np.newaxis]
    return [(xi.astype(dtype), yi.astype(dtype)) for xi, yi in zip(x, y, strict=True)]


DATA_SETS = {"tutorial": samples, "xor": xor_samples}


def batches(
    data: list[tuple[np.ndarray, np.ndarray]], batch_size: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The samples in order, one at a time (as the tutorial feeds them) for a batch size of 1,
    else stacked in consecutive mini-batches (the last one shorter where the size does not
    divide the data)."""
    if batch_size == 1:
        return data
    return [
        (
            np.stack([x for x, _ in data[i : i + batch_size]]),
            np.stack([y for _, y in data[i : i + batch_size]]),
        )
        for i in range(0, len(data), batch_size)
    ]
