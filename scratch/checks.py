"""Input checks shared by the scratch implementations.

The tutorial guarded its loss with bare ``assert`` statements, which vanish under
``python -O``. These checks keep the same meaning and raise errors that name the problem.
"""

from __future__ import annotations

import math

import numpy as np


def check_array(name: str, a: object, ndim: int | None = None) -> np.ndarray:
    """Return ``a`` if it is a finite floating-point ndarray (of ``ndim`` dimensions)."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(a).__name__}")
    if a.dtype.kind != "f":  # every NumPy floating dtype, float16 to longdouble
        raise TypeError(f"{name} must have a floating-point dtype, got {a.dtype}")
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {a.shape}")
    if not np.isfinite(a).all():
        # One line, whatever the size: the first bad element's index, not the whole array.
        kind = "NaN" if np.any(np.isnan(a)) else "inf"
        bad = np.isnan(a) if kind == "NaN" else np.isinf(a)
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} contains {kind} at index {index} (shape {a.shape})")
    return a


def check_features(name: str, x: object, in_features: int) -> np.ndarray:
    """A 1-D sample of ``in_features`` floats, as the tutorial's layers take it."""
    x = check_array(name, x, ndim=1)
    if x.shape != (in_features,):
        raise ValueError(f"Shape error: {name} has shape {x.shape}, expected ({in_features},)")
    return x


def check_probabilities(yhat: object, y: object) -> None:
    """The tutorial's three loss asserts, as errors: equal shapes, both in [0, 1]."""
    yhat = check_array("yhat", yhat)
    y = check_array("y", y)
    if yhat.shape != y.shape:
        raise ValueError(f"Shape difference: yhat {yhat.shape} vs y {y.shape}")
    if not ((yhat <= 1).all() and (yhat >= 0).all()):
        raise ValueError(f"Domain error for yhat: values must lie in [0, 1], got {yhat}")
    if not ((y <= 1).all() and (y >= 0).all()):
        raise ValueError(f"Domain error for y: values must lie in [0, 1], got {y}")


def check_lr(lr: object) -> float:
    """A learning rate: a finite positive real number."""
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating, np.integer)):
        raise TypeError(f"lr must be a real number, got {type(lr).__name__}")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite positive number, got {lr}")
    return float(lr)
