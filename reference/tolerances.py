"""The one tolerance table: per dtype, per quantity.

Each entry covers a measured error (max over the checks' seeds, shapes and learning rates on
torch 2.13.0 / NumPy 2.4.6) with a margin; the comment gives the measurement. The layer
quantities take ``torch.testing.assert_close``'s defaults unless measured otherwise.
Comparison is ``|got - expected| <= atol + rtol * |expected|``, NaN equal to NaN. A name that
is not in the table is an error, never a silent default; a test checks that every entry is
used somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Tol:
    rtol: float
    atol: float


# The layer and network quantities (reference.records.tutorial), compared with torch at one input.
LAYER_QUANTITIES = (
    "loss",
    "yhat",
    "dyhat/dz",
    "z",
    "dz/dW",
    "dz/db",
    "dL/dz",
    "dL/dW",
    "dL/db",
    "W after step",
    "b after step",
    # A hidden activation and its derivative (reference.records.grown): measured 8.3e-8 rel on h and
    # 1.2e-7 abs on dh/dz in float32 (tanh), 2.2e-16 and 2.3e-16 in float64.
    "h",
    "dh/dz",
    # The grown derivation (reference.records.grown): Linear's dz/dx, and the two-layer network's
    # gradients and steps, with assert_close's defaults.
    "dz/dx",
    "dL/dh",
    *(f"dL/d{v}{k}" for k in (1, 2) for v in ("z", "W", "b")),
    *(f"{v}{k} after step" for k in (1, 2) for v in ("W", "b")),
)

# assert_close's float32 defaults. Measured: loss 2.0e-7 rel, yhat 1.6e-7 rel, z 2.9e-6 abs
# (NumPy's and torch's float32 exp/log and BLAS sums differ by ulps).
_F32 = Tol(rtol=1.3e-6, atol=1e-5)
# Measured in the normal range (|z| < ~10): 1.1e-14 rel on z, 4.4e-15 on dL/dyhat.
_F64 = Tol(rtol=1e-9, atol=1e-12)

TOLERANCES: dict[np.dtype, dict[str, Tol]] = {
    np.dtype(np.float32): {
        **dict.fromkeys(LAYER_QUANTITIES, _F32),
        # Measured 2.4e-6 rel: the tutorial's (yhat - y) / (yhat - yhat**2) cancels in
        # yhat - yhat**2 as yhat -> 1, torch divides by (1 - yhat) * yhat.
        "dL/dyhat": Tol(rtol=1e-5, atol=1e-5),
        # Whole training runs, epoch by epoch. Measured 2.2e-3 rel (seed 0, lr 0.03, epoch 1):
        # early epochs have sigmoid outputs within a few ulps of 1, where one float32 ulp of
        # yhat moves -log(1 - yhat) by up to 0.7. The float64 entry is the tight check.
        "trajectory": Tol(rtol=5e-3, atol=1e-5),
        # Final weights of those runs: measured 4.2e-4 abs, for the same reason.
        "trained weights": Tol(rtol=5e-3, atol=1e-3),
        # torch run live against its own stored golden run: bitwise equal on the machine that
        # made it; the margin is for another CPU's float32 kernels, carried over 2000 epochs.
        "reference drift": Tol(rtol=1e-5, atol=1e-6),
    },
    np.dtype(np.float64): {
        **dict.fromkeys(LAYER_QUANTITIES, _F64),
        "dL/dyhat": _F64,
        # Measured 7.5e-12 rel on the loss, 2.3e-12 on the weights, after 500 epochs.
        "trajectory": Tol(rtol=1e-9, atol=1e-12),
        "trained weights": Tol(rtol=1e-9, atol=1e-12),
        "reference drift": Tol(rtol=1e-12, atol=1e-14),
        # Analytic directional derivatives against central differences (eps 1e-6): truncation
        # ~eps**2, rounding ~1e-16/eps. Measured at most 1.5e-8 relative; gradcheck's own
        # rtol is 1e-3.
        "finite differences": Tol(rtol=1e-6, atol=1e-8),
        # The same float64 terms summed in another order (np.sum against a Python loop, or
        # pairwise): measured 2.2e-16 rel over the property checks' draws.
        "sum order": Tol(rtol=1e-12, atol=0.0),
        # W - lr * g computed by the implementation against the same from its own gradient:
        # two roundings, measured 4.4e-16 rel.
        "update equation": Tol(rtol=1e-12, atol=1e-14),
    },
}

# In float32 ulps of the published figure: the tutorial's published losses against a rerun.
# With OpenBLAS's Haswell kernel (the tutorial's, and many machines') the rerun is within 0.5
# ulp: measured -0.5, 0, +0.25. OpenBLAS's AVX-512 kernels (SkylakeX, Cooperlake, Zen 4+) sum
# W @ x in another order and 2000 epochs carry it to 3.5, 12 and 8.25 ulp (an AMD EPYC); torch
# lands at 7.5 to 18 ulp there.
PUBLISHED_ULPS = {"Haswell": 2, "other kernels": 16, "torch": 20}


def tolerance(dtype: Any, quantity: str) -> Tol:
    table = TOLERANCES[np.dtype(dtype)]
    if quantity not in table:
        raise KeyError(
            f"no tolerance for {quantity!r} in {np.dtype(dtype).name}: add it to "
            "reference/tolerances.py with the error it covers"
        )
    return table[quantity]
