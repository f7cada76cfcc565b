"""The registry the generic tests read: layer cases, their inputs, and the edge grids.

Adding a layer to the harness is adding a ``LayerCase`` row: how to draw its inputs, how to
read its partials from an implementation, and how to read them from torch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from reference import impl as impl_side
from reference import twin as torch_side

Arrays = dict[str, np.ndarray]
Shape = tuple[int, int]  # (in_features, out_features), as MyNetwork(in_features, out_features)

SEEDS = (0, 1, 2, 3, 4)
SHAPES: dict[str, Shape] = {"1x1": (1, 1), "3x4": (3, 4), "17x5": (17, 5)}
DTYPES = {"float32": np.dtype(np.float32), "float64": np.dtype(np.float64)}
LEARNING_RATES = (0.001, 0.01, 0.5)


def _weights(rng: np.random.Generator, shape: Shape, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """W, b drawn in float32 as the tutorial's Linear does, then cast (float64: after init)."""
    in_features, out_features = shape
    weight = rng.standard_normal((out_features, in_features)).astype(np.float32)
    bias = rng.standard_normal(out_features).astype(np.float32)
    return weight.astype(dtype), bias.astype(dtype)


def _labels(rng: np.random.Generator, n: int, dtype: Any) -> np.ndarray:
    """Soft labels in [0, 1], every other one rounded to a hard 0 or 1."""
    y = rng.uniform(0.0, 1.0, n)
    y[::2] = np.round(y[::2])
    return y.astype(dtype)


def network_inputs(seed: int, shape: Shape, dtype: Any) -> Arrays:
    """W, b, x, y in the normal range: x scaled by 1/sqrt(in_features) keeps z ~ N(0, 2),
    away from saturation (saturated logits are the edge grid's business)."""
    rng = np.random.default_rng(seed)
    weight, bias = _weights(rng, shape, dtype)
    x = (rng.standard_normal(shape[0]) / np.sqrt(shape[0])).astype(dtype)
    return {"W": weight, "b": bias, "x": x, "y": _labels(rng, shape[1], dtype)}


@dataclass(frozen=True)
class LayerCase:
    layer: str
    inputs: Callable[[int, Shape, Any], Arrays]
    impl: Callable[[ModuleType, Arrays], Arrays]
    torch: Callable[[Arrays, str], Arrays]


def _bce_inputs(seed: int, shape: Shape, dtype: Any) -> Arrays:
    rng = np.random.default_rng(seed)
    yhat = rng.uniform(0.01, 0.99, shape[1]).astype(dtype)
    return {"yhat": yhat, "y": _labels(rng, shape[1], dtype)}


def _sigmoid_inputs(seed: int, shape: Shape, dtype: Any) -> Arrays:
    rng = np.random.default_rng(seed)
    return {"z": rng.normal(0.0, 3.0, shape[1]).astype(dtype)}


def _linear_inputs(seed: int, shape: Shape, dtype: Any) -> Arrays:
    a = network_inputs(seed, shape, dtype)
    return {"W": a["W"], "b": a["b"], "x": a["x"]}


def _network_impl(impl: ModuleType, a: Arrays) -> Arrays:
    return impl_side.network_partials(
        impl, impl_side.new_network(impl, a["W"], a["b"]), a["x"], a["y"]
    )


def _network_torch(a: Arrays, device: str) -> Arrays:
    twin = torch_side.TorchTwin(a["W"], a["b"], lr=1.0, device=device, dtype=a["W"].dtype)
    return twin.partials(a["x"], a["y"])


LAYER_CASES: tuple[LayerCase, ...] = (
    LayerCase(
        "Linear",
        _linear_inputs,
        lambda impl, a: impl_side.linear_partials(impl, a["W"], a["b"], a["x"]),
        lambda a, device: torch_side.linear_partials(a["W"], a["b"], a["x"], device),
    ),
    LayerCase(
        "Sigmoid",
        _sigmoid_inputs,
        lambda impl, a: impl_side.sigmoid_partials(impl, a["z"]),
        lambda a, device: torch_side.sigmoid_partials(a["z"], device),
    ),
    LayerCase(
        "BinaryCrossEntropyLoss",
        _bce_inputs,
        lambda impl, a: impl_side.bce_partials(impl, a["yhat"], a["y"]),
        lambda a, device: torch_side.bce_partials(a["yhat"], a["y"], device),
    ),
    LayerCase("MyNetwork", network_inputs, _network_impl, _network_torch),
)


# Edge grids: the ±100 clamp and saturated logits, each point its own test case.
EDGE_YHAT = (0.0, 1e-30, 1e-8, 1 - 1e-7, 1.0)
EDGE_Y = (0.0, 1.0, 0.5, 0.3)
EDGE_Z = (-1000.0, -100.0, -88.8, -40.0, -20.0, 20.0, 40.0, 100.0, 1000.0)
EDGE_NETWORK_Z = (-1000.0, -100.0, -20.0, 20.0, 100.0, 1000.0)
EDGE_NETWORK_LR = 0.1


@dataclass(frozen=True)
class EdgePoint:
    """One edge input: a layer, a dtype and scalar inputs; each quantity is checked."""

    layer: str
    dtype: str
    inputs: tuple[tuple[str, float], ...]

    @property
    def id(self) -> str:
        args = ",".join(f"{k}={v:.8g}" for k, v in self.inputs)
        return f"{self.layer}-{self.dtype}-{args}"

    def arrays(self) -> Arrays:
        return {k: np.array([v], dtype=self.dtype) for k, v in self.inputs}


def edge_points() -> list[EdgePoint]:
    points = []
    for dtype in DTYPES:
        points += [
            EdgePoint("BinaryCrossEntropyLoss", dtype, (("yhat", yhat), ("y", y)))
            for yhat in EDGE_YHAT
            for y in EDGE_Y
        ]
        points += [EdgePoint("Sigmoid", dtype, (("z", z),)) for z in EDGE_Z]
        points += [
            EdgePoint("MyNetwork", dtype, (("z", z), ("y", y)))
            for z in EDGE_NETWORK_Z
            for y in (0.0, 1.0)
        ]
    return points


def edge_values(
    point: EdgePoint, impl: ModuleType | None, device: str = "cpu", path: str = "two-calls"
) -> Arrays:
    """The quantities at an edge point, from ``impl`` (or from torch where impl is None).

    A network point is the 1x1 network W=[[z]], b=[0] on x=[1]: its logit is z; ``path``
    says how the implementation takes its step.
    """
    a = point.arrays()
    if point.layer == "BinaryCrossEntropyLoss":
        if impl is None:
            return torch_side.bce_partials(a["yhat"], a["y"], device)
        return impl_side.bce_partials(impl, a["yhat"], a["y"])
    if point.layer == "Sigmoid":
        if impl is None:
            return torch_side.sigmoid_partials(a["z"], device)
        return impl_side.sigmoid_partials(impl, a["z"])
    weight, bias, x, y = a["z"].reshape(1, 1), np.zeros_like(a["z"]), np.ones_like(a["z"]), a["y"]
    if impl is None:
        twin = torch_side.TorchTwin(weight, bias, EDGE_NETWORK_LR, device, weight.dtype)
        out = twin.partials(x, y)
        twin.step(x, y)
        return {"loss": out["loss"], "dL/dW": out["dL/dW"], "W after step": twin.weight}
    net = impl_side.new_network(impl, weight, bias)
    out = impl_side.network_partials(impl, net, x, y)
    after = impl_side.step(net, x, y, EDGE_NETWORK_LR, path)  # its loss: the step's own
    return {"loss": after["loss"], "dL/dW": out["dL/dW"], "W after step": after["W"]}
