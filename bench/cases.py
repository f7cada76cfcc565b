"""What the benchmarks time: the per-sample step of each implementation, and the floors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np
import torch

import scratch
import scratch.compiled
import scratch.stable
from reference.subject import new_network
from reference.twin import TorchTwin

LR = 0.01
DTYPE = np.float32
Step = Callable[[np.ndarray, np.ndarray], Any]
Data = list[tuple[np.ndarray, np.ndarray]]


def problem(
    in_features: int, out_features: int, n_samples: int = 1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, Data]:
    """Weights as the tutorial draws them, and samples that follow its data's rule: the
    first input is the indicator of the first label. Inputs scaled so that z ~ N(0, 2)."""
    rng = np.random.default_rng(seed)
    weight = rng.standard_normal((out_features, in_features)).astype(DTYPE)
    bias = rng.standard_normal(out_features).astype(DTYPE)
    data = []
    for _ in range(n_samples):
        x = rng.standard_normal(in_features) / np.sqrt(in_features)
        label = float(rng.integers(0, 2))
        x[0] = label
        y = np.zeros(out_features)
        y[0] = label
        data.append((x.astype(DTYPE), y.astype(DTYPE)))
    return weight, bias, data


def tutorial_step(weight: np.ndarray, bias: np.ndarray) -> Step:
    net = new_network(scratch, weight, bias)

    def step(x: np.ndarray, y: np.ndarray) -> Any:
        loss = net.forward_loss(x, y)
        net.update_weights(x, y, LR)
        return loss

    return step


def stable_step(weight: np.ndarray, bias: np.ndarray) -> Step:
    net = new_network(scratch.stable, weight, bias)
    return lambda x, y: net.train_step(x, y, LR)


def compiled_step(weight: np.ndarray, bias: np.ndarray) -> Step:
    net = new_network(scratch.compiled, weight, bias)
    return lambda x, y: net.train_step(x, y, LR)


def compiled_epoch(
    weight: np.ndarray, bias: np.ndarray
) -> Callable[[np.ndarray, np.ndarray], float]:
    """scratch.compiled's epoch: the whole per-sample loop in one compiled call, on the
    samples stacked once into X and Y (as a loader would hand them over)."""
    net = new_network(scratch.compiled, weight, bias)
    return lambda xs, ys: float(net.train_epoch(xs, ys, LR).sum())


@numba.njit(cache=True, fastmath={"reassoc", "contract"})
def _recurrence(weight, bias, start_weight, start_bias, xs, ys, step, outs, ins):
    # From the same weights each call: this linear recurrence fits the benchmark's data
    # exactly, and after a few epochs its residuals are subnormal numbers, whose arithmetic
    # is slow (10,000 samples: 120 µs, then 265 from the fifth call on).
    weight[:] = start_weight
    bias[:] = start_bias
    n_out, n_in = scratch.compiled.count(outs), scratch.compiled.count(ins)
    zs = np.empty((xs.shape[0], n_out), bias.dtype)
    for k in range(xs.shape[0]):
        for i in range(n_out):
            z = bias[i]
            for j in range(n_in):
                z += weight[i, j] * xs[k, j]
            zs[k, i] = z
        for i in range(n_out):
            g = (zs[k, i] - ys[k, i]) * step
            for j in range(n_in):
                weight[i, j] += g * xs[k, j]
            bias[i] += g
    return zs


def recurrence_epoch(
    weight: np.ndarray, bias: np.ndarray
) -> Callable[[np.ndarray, np.ndarray], float]:
    """The floor of the epoch loop: the per-sample recurrence (each sample's z from the
    weights its predecessor left, then its update) with no exp, log or division, as
    scratch.compiled's loop has it (compiled for the layer's shape where the loop is); what
    no implementation of the step can beat."""
    work = weight.copy(), bias.copy()
    step, shape = DTYPE(-LR), scratch.compiled.loop_shape(weight)
    return lambda xs, ys: float(_recurrence(*work, weight, bias, xs, ys, step, *shape).sum())


def stacked(data: Data) -> tuple[np.ndarray, np.ndarray]:
    return np.stack([x for x, _ in data]), np.stack([y for _, y in data])


def torch_step(
    weight: np.ndarray, bias: np.ndarray, device: str = "cpu"
) -> Callable[[Any, Any], float]:
    """The torch twin's step on tensors already on the device (converted once, as a torch
    loop over a dataset would)."""
    return TorchTwin(weight, bias, LR, device, DTYPE).step_tensors


def to_device(data: Data, device: str) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(torch.as_tensor(x, device=device), torch.as_tensor(y, device=device)) for x, y in data]


IMPLEMENTATIONS: dict[str, Callable[..., Any]] = {
    "tutorial": tutorial_step,
    "stable": stable_step,
    "compiled": compiled_step,
    "torch": torch_step,
}
