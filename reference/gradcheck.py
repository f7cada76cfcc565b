"""Finite-difference checks: each analytic partial against the mathematics, not against torch.

Every check works in float64 at a random point of the normal domain, along a random direction
``v`` and with a random upstream gradient ``g`` (not only ``.sum()``), as JAX's check_grads does:
it returns the analytic directional derivative ``g · (J v)`` and the central difference
``g · (f(u + eps v) - f(u - eps v)) / (2 eps)``. A transposed, mis-scaled or mis-signed partial
cannot agree with both ``g`` and ``v`` random.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from reference import impl as impl_side

EPS = 1e-6
Shape = tuple[int, int]


@dataclass(frozen=True)
class FDCheck:
    layer: str
    quantity: str
    directional: Callable[[ModuleType, np.random.Generator, Shape], tuple[float, float]]

    @property
    def id(self) -> str:
        return f"{self.layer}-{self.quantity}"


def _central(f: Callable[[float], np.ndarray], g: np.ndarray) -> float:
    return float(np.sum(g * (f(EPS) - f(-EPS))) / (2 * EPS))


def _probabilities(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.uniform(0.05, 0.95, n)


def _bce_dyhat(impl: ModuleType, rng: np.random.Generator, shape: Shape) -> tuple[float, float]:
    n = shape[1]
    yhat, y, v, g = (
        _probabilities(rng, n),
        rng.uniform(0, 1, n),
        rng.normal(size=n),
        rng.normal(size=n),
    )
    loss = impl.BinaryCrossEntropyLoss()
    analytic = float(np.sum(g * impl_side.bce_partials(impl, yhat, y)["dL/dyhat"] * v))
    return analytic, _central(lambda t: loss.forward(yhat + t * v, y), g)


def _sigmoid_dz(impl: ModuleType, rng: np.random.Generator, shape: Shape) -> tuple[float, float]:
    n = shape[1]
    z, v, g = rng.normal(0, 3, n), rng.normal(size=n), rng.normal(size=n)
    sigmoid = impl.Sigmoid()
    analytic = float(np.sum(g * impl_side.sigmoid_partials(impl, z)["dyhat/dz"] * v))
    return analytic, _central(lambda t: sigmoid.forward(z + t * v), g)


def _linear_inputs(rng: np.random.Generator, shape: Shape) -> tuple[np.ndarray, ...]:
    in_features, out_features = shape
    weight = rng.normal(size=(out_features, in_features))
    bias, x = rng.normal(size=out_features), rng.normal(size=in_features)
    return weight, bias, x, rng.normal(size=out_features)


def _linear_dw(impl: ModuleType, rng: np.random.Generator, shape: Shape) -> tuple[float, float]:
    weight, bias, x, g = _linear_inputs(rng, shape)
    v = rng.normal(size=weight.shape)
    partial = impl_side.new_linear(impl, weight, bias).backward(x).output_wrt_weight
    analytic = float(np.sum(np.outer(g, partial) * v))  # the tutorial's outer product
    return analytic, _central(
        lambda t: impl_side.new_linear(impl, weight + t * v, bias).forward(x), g
    )


def _linear_db(impl: ModuleType, rng: np.random.Generator, shape: Shape) -> tuple[float, float]:
    weight, bias, x, g = _linear_inputs(rng, shape)
    v = rng.normal(size=bias.shape)
    partial = impl_side.new_linear(impl, weight, bias).backward(x).output_wrt_bias
    analytic = float(np.sum(g * partial * v))
    return analytic, _central(
        lambda t: impl_side.new_linear(impl, weight, bias + t * v).forward(x), g
    )


def _network_point(rng: np.random.Generator, shape: Shape) -> tuple[np.ndarray, ...]:
    in_features, out_features = shape
    weight = rng.normal(size=(out_features, in_features))
    bias = rng.normal(size=out_features)
    x = rng.normal(size=in_features) / np.sqrt(in_features)
    return weight, bias, x, rng.uniform(0, 1, out_features)


def _loss_at(
    impl: ModuleType, weight: np.ndarray, bias: np.ndarray, x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    return np.asarray(impl_side.new_network(impl, weight, bias).forward_loss(x, y))


def _network_grad(which: str, from_update: bool) -> Callable[..., tuple[float, float]]:
    """dL/dW or dL/db of forward_loss: from the layers' partials chained as the tutorial
    chains them, or, ``from_update``, from what update_weights does at lr = 1 (W - W')."""

    def check(impl: ModuleType, rng: np.random.Generator, shape: Shape) -> tuple[float, float]:
        weight, bias, x, y = _network_point(rng, shape)
        net = impl_side.new_network(impl, weight, bias)
        if from_update:
            net.update_weights(x, y, 1.0)
            grad = (weight - net.linear1.weight) if which == "W" else (bias - net.linear1.bias)
        else:
            grad = impl_side.network_partials(impl, net, x, y)[f"dL/d{which}"]
        v = rng.normal(size=grad.shape)
        analytic = float(np.sum(grad * v))
        if which == "W":
            return analytic, _central(
                lambda t: _loss_at(impl, weight + t * v, bias, x, y), np.ones(())
            )
        return analytic, _central(lambda t: _loss_at(impl, weight, bias + t * v, x, y), np.ones(()))

    return check


FD_CHECKS: tuple[FDCheck, ...] = (
    FDCheck("BinaryCrossEntropyLoss", "dL/dyhat", _bce_dyhat),
    FDCheck("Sigmoid", "dyhat/dz", _sigmoid_dz),
    FDCheck("Linear", "dz/dW", _linear_dw),
    FDCheck("Linear", "dz/db", _linear_db),
    FDCheck("MyNetwork", "dL/dW", _network_grad("W", from_update=False)),
    FDCheck("MyNetwork", "dL/db", _network_grad("b", from_update=False)),
    FDCheck("MyNetwork", "W update", _network_grad("W", from_update=True)),
    FDCheck("MyNetwork", "b update", _network_grad("b", from_update=True)),
)
