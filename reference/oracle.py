"""The exact values: a mathematical witness where finite differences cannot serve.

At the exact binary inputs a check used, mpmath (60 significant digits) gives each quantity's
true value, and, where a convention decides (the clamp at 100, a floor under a gradient, a
clip of the prediction), each named convention's value computed exactly:

- ``mathematics``: the formula itself (a log of 0 is -inf, 0 * log 0 is its limit 0);
- ``torch``: each log term clamped at -100 before it is weighted, and dL/dyhat divided by
  ``max(yhat * (1 - yhat), 1e-12)`` (torch's float constant, float32(1e-12));
- ``clip of the finished loss``: the tutorial's ``np.clip(loss, -100, 100)`` of each element;
- ``eps-clip 1e-7``: yhat clipped to [1e-7, 1 - 1e-7] first, both bounds rounded to the
  dtype (Keras's convention);
- ``the clamped loss``: the loss as the tutorial defines it, clamped at 100, differentiated
  as it is: flat (its derivative 0) where the clamp binds. Not a convention an
  implementation is graded by; a failure states it beside the mathematics where the two
  differ (where the formula's derivative is infinite, the clamped function's is 0).

Errors are reported in ulps of the dtype, for every side (how libm accuracy is measured).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import mpmath
import numpy as np

Exact = Any  # an mpmath mpf (finite, or ±inf)
DIGITS = 60
TORCH_EPS = float(np.float32(1e-12))
LOG_FLOOR = -100
KERAS_EPS = 1e-7

# The conventions the oracle computes: the mathematics, torch's, and the loss's others. A
# record may name more of its own (reference.records.grown: ReLU's derivative at 0).
MATHEMATICS, TORCH, CLIP_SUM, EPS_CLIP = (
    "mathematics",
    "torch",
    "clip of the finished loss",
    "eps-clip 1e-7",
)
CLAMPED = "the clamped loss"


def _mp(v: float) -> Exact:
    return mpmath.mpf(float(v))  # a binary float is an exact mpf


def _xlog(weight: Exact, p: Exact) -> Exact:
    """weight * ln(p), with 0 * ln 0 = 0 (the limit)."""
    if weight == 0:
        return mpmath.mpf(0)
    return weight * (mpmath.log(p) if p > 0 else mpmath.ninf)


def _clip_bounds(dtype: Any) -> tuple[Exact, Exact]:
    """The eps-clip's bounds as an implementation in ``dtype`` has them: 1e-7 and 1 - 1e-7,
    each rounded to the dtype."""
    return _mp(float(np.asarray(KERAS_EPS, dtype))), _mp(float(np.asarray(1 - KERAS_EPS, dtype)))


_BOUNDS: list[tuple[Exact, Exact]] = []  # the bounds of the dtype being judged (set by exact)


def _clip(yhat: Exact) -> Exact:
    low, high = _BOUNDS[-1]
    return min(max(yhat, low), high)


def bce(yhat: Exact, y: Exact, convention: str) -> Exact:
    if convention == EPS_CLIP:
        yhat = _clip(yhat)
    if convention == TORCH:
        log_p = max(mpmath.log(yhat) if yhat > 0 else mpmath.ninf, LOG_FLOOR)
        log_q = max(mpmath.log(1 - yhat) if yhat < 1 else mpmath.ninf, LOG_FLOOR)
        return (y - 1) * log_q - y * log_p
    loss = -(_xlog(y, yhat) + _xlog(1 - y, 1 - yhat))
    return min(loss, mpmath.mpf(100)) if convention in (CLIP_SUM, CLAMPED) else loss


def clamped_flat(yhat: Exact, y: Exact) -> bool:
    """Whether the clamp at 100 binds: the loss is flat there."""
    return bool(bce(yhat, y, MATHEMATICS) > 100)


def bce_grad(yhat: Exact, y: Exact, convention: str) -> Exact:
    if convention == CLAMPED and clamped_flat(yhat, y):
        return mpmath.mpf(0)
    if convention == EPS_CLIP:
        yhat = _clip(yhat)
    p = yhat * (1 - yhat)
    if convention == TORCH:
        return (yhat - y) / max(p, _mp(TORCH_EPS))
    if p != 0:
        return (yhat - y) / p
    # At yhat in {0, 1}: the limit where the label makes the singular term vanish.
    if y == yhat:
        return 1 / (1 - yhat) if yhat == 0 else -1 / yhat
    return mpmath.inf if yhat > y else mpmath.ninf


def sigmoid(z: Exact) -> Exact:
    return 1 / (1 + mpmath.exp(-z))


def _sample_network(a: dict[str, np.ndarray], convention: str) -> dict[str, list[Exact]]:
    weight, bias, x, y = (np.asarray(a[k], np.float64) for k in ("W", "b", "x", "y"))
    lr = _mp(float(a["lr"])) if "lr" in a else None
    z = [
        sum((_mp(w) * _mp(xi) for w, xi in zip(row, x, strict=True)), _mp(bi))
        for row, bi in zip(weight, bias, strict=True)
    ]
    s = [sigmoid(zi) for zi in z]
    ys = [_mp(v) for v in y]
    loss = sum((bce(si, yi, convention) for si, yi in zip(s, ys, strict=True)), mpmath.mpf(0))
    dl_dyhat = [bce_grad(si, yi, convention) for si, yi in zip(s, ys, strict=True)]
    if convention in (TORCH, EPS_CLIP):  # the floored or clipped dL/dyhat times s * (1 - s)
        dl_dz = [g * si * (1 - si) for g, si in zip(dl_dyhat, s, strict=True)]
    else:  # d/dz BCE(sigmoid(z), y) = sigmoid(z) - y, exactly (0 where clamped flat)
        dl_dz = [_dz(si, yi, convention) for si, yi in zip(s, ys, strict=True)]
    dl_dw = [g * _mp(xi) for g in dl_dz for xi in x]
    out = {
        "loss": [loss],
        "dL/dyhat": dl_dyhat,
        "dL/dz": dl_dz,
        "dL/dW": dl_dw,
        "dL/db": dl_dz,
    }
    if lr is not None:
        out["W after step"] = [_mp(w) - lr * g for w, g in zip(weight.ravel(), dl_dw, strict=True)]
        out["b after step"] = [_mp(bi) - lr * g for bi, g in zip(bias, dl_dz, strict=True)]
    return out


def _dz(s: Exact, y: Exact, convention: str) -> Exact:
    """d/dz of the loss at sigmoid(z) = s: s - y, or 0 where the clamped loss is flat."""
    return mpmath.mpf(0) if convention == CLAMPED and clamped_flat(s, y) else s - y


def _affine(weight: np.ndarray, bias: np.ndarray, v: list[Exact]) -> list[Exact]:
    return [
        sum((_mp(w) * vi for w, vi in zip(row, v, strict=True)), _mp(bi))
        for row, bi in zip(weight, bias, strict=True)
    ]


def two_layer(
    a: dict[str, np.ndarray],
    convention: str,
    activation: tuple[Callable[[Exact], Exact], Callable[[Exact, str], Exact]],
) -> dict[str, list[Exact]]:
    """The two-layer network's loss, gradients and step, sample by sample, exactly; the
    hidden activation's function and derivative are given (its record's)."""
    w1, b1, w2, b2, x, y = (
        np.asarray(a[k], np.float64) for k in ("W1", "b1", "W2", "b2", "x", "y")
    )
    f, df = activation
    xs, ys = np.atleast_2d(x), np.atleast_2d(y)
    scale = mpmath.mpf(1) / ys.size if str(a["reduction"]) == "mean" else mpmath.mpf(1)
    out: dict[str, list[Exact]] = {k: [] for k in ("dL/dyhat", "dL/dz2", "dL/dh", "dL/dz1")}
    grads = {k: [mpmath.mpf(0)] * np.asarray(a[k]).size for k in ("W1", "b1", "W2", "b2")}
    loss = mpmath.mpf(0)
    for xrow, yrow in zip(xs, ys, strict=True):
        xv = [_mp(v) for v in xrow]
        z1 = _affine(w1, b1, xv)
        h = [f(v) for v in z1]
        s = [sigmoid(v) for v in _affine(w2, b2, h)]
        yv = [_mp(v) for v in yrow]
        loss += sum((bce(si, yi, convention) for si, yi in zip(s, yv, strict=True)), 0) * scale
        dyhat = [bce_grad(si, yi, convention) * scale for si, yi in zip(s, yv, strict=True)]
        if convention == TORCH:  # the floored dL/dyhat times s * (1 - s)
            dz2 = [g * si * (1 - si) for g, si in zip(dyhat, s, strict=True)]
        else:
            dz2 = [_dz(si, yi, convention) * scale for si, yi in zip(s, yv, strict=True)]
        dh = [sum(dz2[i] * _mp(w2[i, j]) for i in range(len(dz2))) for j in range(len(h))]
        dz1 = [g * df(v, convention) for g, v in zip(dh, z1, strict=True)]
        for name, g, v in (("W1", dz1, xv), ("W2", dz2, h)):
            outer = [gi * vj for gi in g for vj in v]
            grads[name] = [t + o for t, o in zip(grads[name], outer, strict=True)]
        for name, g in (("b1", dz1), ("b2", dz2)):
            grads[name] = [t + gi for t, gi in zip(grads[name], g, strict=True)]
        for key, values in (("dL/dyhat", dyhat), ("dL/dz2", dz2), ("dL/dh", dh), ("dL/dz1", dz1)):
            out[key] += values
    lr = _mp(float(a["lr"]))
    for name, g in grads.items():
        out[f"dL/d{name}"] = g
        start = [_mp(v) for v in np.asarray(a[name], np.float64).ravel()]
        out[f"{name} after step"] = [v - lr * gi for v, gi in zip(start, g, strict=True)]
    return {**out, "loss": [loss]}


def network(a: dict[str, np.ndarray], convention: str) -> dict[str, list[Exact]]:
    """The tutorial's network on one sample, or on a batch: per-sample quantities row after
    row, the loss and the gradients summed over the rows, one step with the summed gradient."""
    if np.ndim(a["x"]) == 1:
        return _sample_network(a, convention)
    one = {k: v for k, v in a.items() if k != "lr"}
    rows = [
        _sample_network({**one, "x": x, "y": y}, convention)
        for x, y in zip(a["x"], a["y"], strict=True)
    ]
    out = {q: [v for row in rows for v in row[q]] for q in ("dL/dyhat", "dL/dz")}
    for q in ("loss", "dL/dW", "dL/db"):
        out[q] = [
            sum(values, mpmath.mpf(0)) for values in zip(*(row[q] for row in rows), strict=True)
        ]
    if "lr" in a:
        lr = _mp(float(a["lr"]))
        for q, key in (("W after step", "W"), ("b after step", "b")):
            start = np.asarray(a[key], np.float64).ravel()
            out[q] = [_mp(w) - lr * g for w, g in zip(start, out[f"dL/d{key}"], strict=True)]
    return out


def elementwise(f: Callable[..., Exact], *arrays: np.ndarray) -> list[Exact]:
    flat = [np.asarray(a, np.float64).ravel() for a in arrays]
    return [f(*(_mp(v) for v in values)) for values in zip(*flat, strict=True)]


def exact(
    record: Any,
    a: dict[str, np.ndarray],
    quantity: str,
    conventions: tuple[str, ...] | None = None,
) -> dict[str, list[Exact]]:
    """Each of the record's conventions' (or those given) exact value of ``quantity`` at the
    inputs ``a`` (flattened), or {} where the record has no exact value of the quantity."""
    if record.exact is None:
        return {}
    arrays = {k: np.asarray(v) for k, v in a.items()}
    key = tuple((k, v.dtype.str, v.shape, v.tobytes()) for k, v in sorted(arrays.items()))
    out = {}
    for convention in conventions or record.conventions:
        values = _all_quantities(record, key, convention).get(quantity)
        if values is None:
            return {}
        out[convention] = values
    return out


@lru_cache(maxsize=4096)
def _all_quantities(record: Any, key: tuple[Any, ...], convention: str) -> dict[str, list[Exact]]:
    """Every quantity of the record at once (one forward and backward pass gives them all)."""
    a = {k: np.frombuffer(data, dtype).reshape(shape) for k, dtype, shape, data in key}
    dtype = next(v.dtype for v in a.values() if v.dtype.kind == "f" and v.ndim)
    _BOUNDS.append(_clip_bounds(dtype))
    try:
        with mpmath.workdps(DIGITS):
            values: dict[str, list[Exact]] = record.exact(a, convention)
            return values
    finally:
        _BOUNDS.pop()


def reduced(values: list[Exact], a: dict[str, np.ndarray]) -> list[Exact]:
    """Values of the summed loss's derivative, divided by N under the mean reduction."""
    return [v / len(values) for v in values] if str(a.get("reduction", "sum")) == "mean" else values


def ulps(value: Any, exact_values: list[Exact], dtype: Any) -> float:
    """The largest error of ``value`` against the exact values, in ulps of ``dtype`` at the
    exact value (inf where one is finite and the other is not, or either is NaN)."""
    worst = 0.0
    for v, e in zip(np.asarray(value, np.float64).ravel(), exact_values, strict=True):
        if np.isnan(v):
            return float("nan")
        if mpmath.isinf(e) or np.isinf(v):
            if not (np.isinf(v) and mpmath.isinf(e) and (v > 0) == (e > 0)):
                return float("inf")
            continue
        spacing = float(np.spacing(np.abs(np.asarray(float(e), dtype))))
        worst = max(worst, float(abs(mpmath.mpf(float(v)) - e)) / spacing)
    return worst


def nearest(exact_values: list[Exact], dtype: Any, shape: tuple[int, ...]) -> np.ndarray:
    """The exact values rounded to ``dtype`` (what a correctly rounded implementation gives)."""
    with np.errstate(over="ignore"):
        return np.array([float(e) for e in exact_values], np.float64).astype(dtype).reshape(shape)
