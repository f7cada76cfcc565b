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
