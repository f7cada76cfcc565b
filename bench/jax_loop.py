"""JAX as a peer: the same per-sample step with torch's numerics (each log term clamped at
-100, the 1e-12 floor under dL/dyhat, the sigmoid's gradient as s * (1 - s)), jitted; and the
epoch as ``lax.scan`` over the samples. Optional: ``pip install .[bench]`` (``nox -s bench``
installs it); the benchmarks skip JAX where it is not installed."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

LOG_FLOOR, GRAD_EPSILON = -100.0, 1e-12


def _step(weight: Any, bias: Any, x: Any, y: Any, lr: float) -> tuple[Any, Any, Any]:
    z = weight @ x + bias
    s = 1 / (1 + jnp.exp(-z))
    log_p = jnp.maximum(jnp.log(s), LOG_FLOOR)
    log_q = jnp.maximum(jnp.log1p(-s), LOG_FLOOR)
    loss = jnp.sum((y - 1) * log_q - y * log_p)
    p = (1 - s) * s
    g = (s - y) / jnp.maximum(p, GRAD_EPSILON) * p
    return weight - lr * jnp.outer(g, x), bias - lr * g, loss


step = jax.jit(_step)


@jax.jit
def epoch(weight: Any, bias: Any, xs: Any, ys: Any, lr: float) -> tuple[Any, Any, Any]:
    """The per-sample loop as lax.scan: each sample's loss before its update."""

    def body(carry: tuple[Any, Any], sample: tuple[Any, Any]) -> tuple[tuple[Any, Any], Any]:
        new_weight, new_bias, loss = _step(*carry, *sample, lr)
        return (new_weight, new_bias), loss

    (weight, bias), losses = jax.lax.scan(body, (weight, bias), (xs, ys))
    return weight, bias, losses


class Net:
    """Weights held on JAX's device; ``step`` and ``epoch`` wait for their result."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray, lr: float) -> None:
        self.weight, self.bias, self.lr = jnp.asarray(weight), jnp.asarray(bias), lr

    def step(self, x: Any, y: Any) -> float:
        self.weight, self.bias, loss = step(self.weight, self.bias, x, y, self.lr)
        return float(loss)  # waits for the device, as torch's .item() does

    def epoch(self, xs: Any, ys: Any) -> float:
        self.weight, self.bias, losses = epoch(self.weight, self.bias, xs, ys, self.lr)
        return float(losses.sum())
