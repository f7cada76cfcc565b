"""Training side by side (the main job, ``verify``): an implementation and its torch twin
from the same initial weights; and a named convention's run, the witness for a run that
parts from torch's because it follows that convention.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from reference.tolerances import tolerance
from reference.twin import TorchTwin
from scratch.data import IN_FEATURES, OUT_FEATURES, samples


@dataclass
class Trajectory:
    """Both sides' epoch losses, their weights' largest differences after each epoch, the
    final (W, b) of each side, and the exception that stopped the implementation, if any."""

    impl_loss: list[float] = field(default_factory=list)
    torch_loss: list[float] = field(default_factory=list)
    max_dw: list[float] = field(default_factory=list)
    max_db: list[float] = field(default_factory=list)
    # The largest |W| and |b| of torch's weights after each epoch: the scale of the bound.
    w_scale: list[float] = field(default_factory=list)
    b_scale: list[float] = field(default_factory=list)
    impl_weights: tuple[np.ndarray, ...] = ()
    torch_weights: tuple[np.ndarray, ...] = ()
    crash: str | None = None

    def report(self) -> dict[str, list[float]]:
        return {k: getattr(self, k) for k in ("impl_loss", "torch_loss", "max_dw", "max_db")}


def _max_abs(a: np.ndarray, b: np.ndarray) -> float:
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))
    return float("nan") if np.isnan(d).any() else float(d.max())


def _torch_run(
    weight: np.ndarray, bias: np.ndarray, epochs: int, lr: float, dtype: Any, device: str
) -> tuple[list[float], list[tuple[np.ndarray, np.ndarray]]]:
    """torch's epoch losses, and its weights after each epoch."""
    twin = TorchTwin(weight, bias, lr, device, dtype)
    data = samples(dtype)
    losses, weights = [], []
    for _ in range(epochs):
        losses.append(sum(twin.step(x, y) for x, y in data))
        weights.append((twin.weight.copy(), twin.bias.copy()))  # the parameters move on
    return losses, weights


def train_side_by_side(
    impl: ModuleType, seed: int, epochs: int, lr: float, dtype: Any, device: str
) -> Trajectory:
    """Both trained on the tutorial's data from the implementation's own initial weights
    (cast to dtype); an exception the implementation raises ends the run, and is recorded."""
    dtype = np.dtype(dtype)
    np.random.seed(seed)
    net = impl.MyNetwork(IN_FEATURES, OUT_FEATURES)
    net.linear1.weight = np.asarray(net.linear1.weight).astype(dtype)
    net.linear1.bias = np.asarray(net.linear1.bias).astype(dtype)
    torch_losses, torch_weights = _torch_run(
        net.linear1.weight, net.linear1.bias, epochs, lr, dtype, device
    )
    data = samples(dtype)
    t = Trajectory()
    for epoch in range(epochs):
        if epochs >= 500 and epoch % (epochs // 10) == 0 and epoch:
            print(f"  ... epoch {epoch}/{epochs}", file=sys.stderr, flush=True)
        total = 0.0
        try:
            with np.errstate(all="ignore"):  # a divergent run is reported, not warned about
                for x, y in data:
                    total += float(net.forward_loss(x, y))
                    net.update_weights(x, y, lr)
        except Exception as exc:
            t.crash = f"epoch {epoch}: the implementation raised {exc!r}"
            break
        weight, bias = torch_weights[epoch]
        t.impl_loss.append(total)
        t.torch_loss.append(torch_losses[epoch])
        t.max_dw.append(_max_abs(net.linear1.weight, weight))
        t.max_db.append(_max_abs(net.linear1.bias, bias))
        t.w_scale.append(float(np.abs(weight).max()))
        t.b_scale.append(float(np.abs(bias).max()))
    t.impl_weights = (net.linear1.weight, net.linear1.bias)
    t.torch_weights = torch_weights[len(t.impl_loss) - 1] if t.impl_loss else ()
    return t


def first_parting(t: Trajectory, dtype: Any) -> dict[str, Any] | None:
    """The first epoch where the loss or the weights part beyond the tolerance table."""
    loss_tol, w_tol = tolerance(dtype, "trajectory"), tolerance(dtype, "trained weights")
    rows = zip(t.impl_loss, t.torch_loss, t.max_dw, t.max_db, t.w_scale, t.b_scale, strict=True)
    for epoch, (a, b, dw, db, w_scale, b_scale) in enumerate(rows):
        # Norm-wise: the largest difference against atol + rtol * the largest torch value.
        checks = {
            "loss": (abs(a - b), loss_tol.atol + loss_tol.rtol * abs(b)),
            "W": (dw, w_tol.atol + w_tol.rtol * w_scale),
            "b": (db, w_tol.atol + w_tol.rtol * b_scale),
        }
        for quantity, (err, bound) in checks.items():
            if not err <= bound:  # NaN parts too
                return {"epoch": epoch, "quantity": quantity, "error": err, "bound": bound}
    return None


def convention_run(
    weight: np.ndarray, bias: np.ndarray, epochs: int, lr: float, dtype: Any, convention: str
) -> tuple[list[float], np.ndarray, np.ndarray]:
    """The tutorial's training run under a named convention of the loss (reference.oracle),
    computed in float64 from the same initial weights: the witness for an implementation whose
    run parts from torch's because it follows that convention, not because it is wrong."""
    from reference import oracle

    low, high = (float(np.asarray(v, dtype)) for v in (oracle.KERAS_EPS, 1 - oracle.KERAS_EPS))
    w, b = np.asarray(weight, np.float64).copy(), np.asarray(bias, np.float64).copy()
    data = samples(np.float64)
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            total = 0.0
            for x, y in data:
                s = 1 / (1 + np.exp(-(w @ x + b)))
                if convention == oracle.EPS_CLIP:
                    p = np.clip(s, low, high)
                    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))
                    grad = (p - y) / (p * (1 - p)) * s * (1 - s)
                else:  # the clip of the finished loss: the loss clipped, the gradient exact
                    loss = np.minimum(-(y * np.log(s) + (1 - y) * np.log(1 - s)), 100)
                    grad = s - y
                total += float(loss.sum())
                w -= lr * np.outer(grad, x)
                b -= lr * grad
            losses.append(total)
    return losses, w, b
