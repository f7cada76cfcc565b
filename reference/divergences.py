"""The divergence register: every known difference between the tutorial's formulas and torch.

Each row is one quantity at one edge input (see ``reference.cases.edge_points``) where the
tutorial's code and torch 2.13 give different numbers, with both exact values and the cause.
``tests/test_divergences.py`` pins both values; the edge tests read this table to report an
implementation that reproduces the tutorial's value as an expected failure naming the cause.
The README's table is generated from this one (``python -m reference register``), and a test
checks that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

NAN = float("nan")
INF = float("inf")

CAUSES: dict[str, str] = {
    "zero-times-log-zero": (
        "The tutorial computes y*log(yhat) + (1-y)*log(1-yhat) before clipping; where yhat is "
        "exactly the label (0 or 1), one term is 0 * log(0) = 0 * -inf = NaN, and np.clip "
        "keeps NaN. Torch clamps each log term at -100 before multiplying, so the term is 0."
    ),
    "clip-after-sum": (
        "With a soft label at yhat = 0 or 1, one log is -inf; the tutorial clips the finished "
        "loss to 100, torch clamps the log term to -100 and then weights it: y*100 or (1-y)*100."
    ),
    "log-of-one-minus": (
        "The tutorial's log(1 - yhat) rounds 1 - yhat to 1 for tiny yhat and returns 0; torch's "
        "log1p(-yhat) keeps -yhat. Within the float tolerance, but not equal."
    ),
    "no-gradient-floor": (
        "The tutorial divides by yhat - yhat**2, which is 0 at yhat = 0 or 1 (±inf, or NaN for "
        "0/0) and underflows near them; torch divides by max((1 - yhat) * yhat, 1e-12)."
    ),
    "torch-floor-distorts": (
        "Here the tutorial is right and torch is not: torch's 1e-12 floor on yhat*(1-yhat) "
        "shrinks a true gradient. At yhat = 1e-30, y = 0 the exact dL/dyhat is 1/(1-yhat) = 1; "
        "at z = -100, y = 1 (float64) the exact dL/dz is yhat - y = -1, which torch reports as "
        "-3.7e-32, so its SGD step does not move W."
    ),
    "sigmoid-exp-overflow": (
        "The tutorial's exp(-x) / (exp(-x) + 1)**2 is inf/inf = NaN once exp(-x) overflows "
        "(x <= -88.73 in float32, x <= -709.8 in float64); torch's (1 - y) * y is 0."
    ),
    "sigmoid-gradient-not-zero": (
        "Once sigmoid(x) rounds to 1 (x >= 16.64 float32, 36.74 float64) torch's (1 - y) * y is "
        "exactly 0, while the tutorial's formula keeps the tiny true value. Within tolerance."
    ),
    "saturated-chain": (
        "A saturated logit makes yhat exactly 0 or 1: the tutorial's dL/dyhat is ±inf or NaN "
        "(no floor) and its sigmoid gradient NaN or tiny, so dL/dW is NaN or ±inf and the "
        "update writes it into W. Torch's gradient is 0 there (floored dL/dyhat times an exact "
        "0), and W does not move."
    ),
    "yhat-minus-square-cancels": (
        "As yhat -> 1, yhat - yhat**2 loses digits to cancellation: at z = 20 (float64) the "
        "tutorial's dL/dW is off by 4e-8 relative; torch's (1 - yhat) * yhat keeps them."
    ),
}


@dataclass(frozen=True)
class Divergence:
    cause: str
    layer: str
    dtype: str
    inputs: dict[str, float]
    quantity: str
    tutorial: float
    torch: float

    @property
    def id(self) -> str:
        args = ",".join(f"{k}={v:.8g}" for k, v in self.inputs.items())
        return f"{self.cause}:{self.layer}-{self.dtype}-{args}-{self.quantity}"

    def key(self) -> tuple[str, str, tuple[tuple[str, float], ...], str]:
        return (self.layer, self.dtype, tuple(self.inputs.items()), self.quantity)


# One row per (edge input, quantity) where the two differ. Values: Python floats of the
# exact results (a float32 result widened to float, exactly).
REGISTER: tuple[Divergence, ...] = (
    Divergence(
        "zero-times-log-zero",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 0.0, "y": 0.0},
        "loss",
        NAN,
        0.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 0.0, "y": 0.0},
        "dL/dyhat",
        NAN,
        0.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 0.0, "y": 1.0},
        "dL/dyhat",
        -INF,
        -999999995904.0,
    ),
    Divergence(
        "clip-after-sum",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 0.0, "y": 0.5},
        "loss",
        100.0,
        50.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 0.0, "y": 0.5},
        "dL/dyhat",
        -INF,
        -499999997952.0,
    ),
    Divergence(
        "clip-after-sum",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 0.0, "y": 0.3},
        "loss",
        100.0,
        30.000001907348633,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 0.0, "y": 0.3},
        "dL/dyhat",
        -INF,
        -300000018432.0,
    ),
    Divergence(
        "log-of-one-minus",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1e-30, "y": 0.0},
        "loss",
        -0.0,
        1.0000000031710769e-30,
    ),
    Divergence(
        "torch-floor-distorts",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1e-30, "y": 0.0},
        "dL/dyhat",
        1.0,
        1.000000045813705e-18,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1e-30, "y": 1.0},
        "dL/dyhat",
        -1.0000000150474662e30,
        -999999995904.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1e-30, "y": 0.5},
        "dL/dyhat",
        -5.000000075237331e29,
        -499999997952.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1e-30, "y": 0.3},
        "dL/dyhat",
        -3.0000000451423987e29,
        -300000018432.0,
    ),
    Divergence(
        "log-of-one-minus",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1e-08, "y": 0.0},
        "loss",
        -0.0,
        9.99999993922529e-09,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1.0, "y": 0.0},
        "dL/dyhat",
        INF,
        999999995904.0,
    ),
    Divergence(
        "zero-times-log-zero",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1.0, "y": 1.0},
        "loss",
        NAN,
        -0.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1.0, "y": 1.0},
        "dL/dyhat",
        NAN,
        0.0,
    ),
    Divergence(
        "clip-after-sum",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1.0, "y": 0.5},
        "loss",
        100.0,
        50.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1.0, "y": 0.5},
        "dL/dyhat",
        INF,
        499999997952.0,
    ),
    Divergence(
        "clip-after-sum",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1.0, "y": 0.3},
        "loss",
        100.0,
        70.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float32",
        {"yhat": 1.0, "y": 0.3},
        "dL/dyhat",
        INF,
        699999977472.0,
    ),
    Divergence("sigmoid-exp-overflow", "Sigmoid", "float32", {"z": -1000.0}, "dyhat/dz", NAN, 0.0),
    Divergence("sigmoid-exp-overflow", "Sigmoid", "float32", {"z": -100.0}, "dyhat/dz", NAN, 0.0),
    Divergence("sigmoid-exp-overflow", "Sigmoid", "float32", {"z": -88.8}, "dyhat/dz", NAN, 0.0),
    Divergence(
        "sigmoid-gradient-not-zero",
        "Sigmoid",
        "float32",
        {"z": 20.0},
        "dyhat/dz",
        2.06115369216775e-09,
        0.0,
    ),
    Divergence(
        "sigmoid-gradient-not-zero",
        "Sigmoid",
        "float32",
        {"z": 40.0},
        "dyhat/dz",
        4.24835413113866e-18,
        0.0,
    ),
    Divergence(
        "sigmoid-gradient-not-zero",
        "Sigmoid",
        "float32",
        {"z": 100.0},
        "dyhat/dz",
        3.783505853677006e-44,
        0.0,
    ),
    Divergence(
        "zero-times-log-zero", "MyNetwork", "float32", {"z": -1000.0, "y": 0.0}, "loss", NAN, 0.0
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float32", {"z": -1000.0, "y": 0.0}, "dL/dW", NAN, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float32",
        {"z": -1000.0, "y": 0.0},
        "W after step",
        NAN,
        -1000.0,
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float32", {"z": -1000.0, "y": 1.0}, "dL/dW", NAN, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float32",
        {"z": -1000.0, "y": 1.0},
        "W after step",
        NAN,
        -1000.0,
    ),
    Divergence(
        "zero-times-log-zero", "MyNetwork", "float32", {"z": -100.0, "y": 0.0}, "loss", NAN, 0.0
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float32", {"z": -100.0, "y": 0.0}, "dL/dW", NAN, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float32",
        {"z": -100.0, "y": 0.0},
        "W after step",
        NAN,
        -100.0,
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float32", {"z": -100.0, "y": 1.0}, "dL/dW", NAN, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float32",
        {"z": -100.0, "y": 1.0},
        "W after step",
        NAN,
        -100.0,
    ),
    Divergence("saturated-chain", "MyNetwork", "float32", {"z": 20.0, "y": 0.0}, "dL/dW", INF, 0.0),
    Divergence(
        "saturated-chain", "MyNetwork", "float32", {"z": 20.0, "y": 0.0}, "W after step", -INF, 20.0
    ),
    Divergence(
        "zero-times-log-zero", "MyNetwork", "float32", {"z": 20.0, "y": 1.0}, "loss", NAN, 0.0
    ),
    Divergence("saturated-chain", "MyNetwork", "float32", {"z": 20.0, "y": 1.0}, "dL/dW", NAN, 0.0),
    Divergence(
        "saturated-chain", "MyNetwork", "float32", {"z": 20.0, "y": 1.0}, "W after step", NAN, 20.0
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float32", {"z": 100.0, "y": 0.0}, "dL/dW", INF, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float32",
        {"z": 100.0, "y": 0.0},
        "W after step",
        -INF,
        100.0,
    ),
    Divergence(
        "zero-times-log-zero", "MyNetwork", "float32", {"z": 100.0, "y": 1.0}, "loss", NAN, 0.0
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float32", {"z": 100.0, "y": 1.0}, "dL/dW", NAN, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float32",
        {"z": 100.0, "y": 1.0},
        "W after step",
        NAN,
        100.0,
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float32", {"z": 1000.0, "y": 0.0}, "dL/dW", NAN, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float32",
        {"z": 1000.0, "y": 0.0},
        "W after step",
        NAN,
        1000.0,
    ),
    Divergence(
        "zero-times-log-zero", "MyNetwork", "float32", {"z": 1000.0, "y": 1.0}, "loss", NAN, 0.0
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float32", {"z": 1000.0, "y": 1.0}, "dL/dW", NAN, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float32",
        {"z": 1000.0, "y": 1.0},
        "W after step",
        NAN,
        1000.0,
    ),
    Divergence(
        "zero-times-log-zero",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 0.0, "y": 0.0},
        "loss",
        NAN,
        0.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 0.0, "y": 0.0},
        "dL/dyhat",
        NAN,
        0.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 0.0, "y": 1.0},
        "dL/dyhat",
        -INF,
        -1000000003995.8029,
    ),
    Divergence(
        "clip-after-sum",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 0.0, "y": 0.5},
        "loss",
        100.0,
        50.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 0.0, "y": 0.5},
        "dL/dyhat",
        -INF,
        -500000001997.9014,
    ),
    Divergence(
        "clip-after-sum",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 0.0, "y": 0.3},
        "loss",
        100.0,
        30.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 0.0, "y": 0.3},
        "dL/dyhat",
        -INF,
        -300000001198.74084,
    ),
    Divergence(
        "log-of-one-minus",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 1e-30, "y": 0.0},
        "loss",
        -0.0,
        1e-30,
    ),
    Divergence(
        "torch-floor-distorts",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 1e-30, "y": 0.0},
        "dL/dyhat",
        1.0,
        1.0000000039958028e-18,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 1e-30, "y": 1.0},
        "dL/dyhat",
        -9.999999999999999e29,
        -1000000003995.8029,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 1e-30, "y": 0.5},
        "dL/dyhat",
        -4.9999999999999994e29,
        -500000001997.9014,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 1e-30, "y": 0.3},
        "dL/dyhat",
        -2.9999999999999996e29,
        -300000001198.74084,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 1.0, "y": 0.0},
        "dL/dyhat",
        INF,
        1000000003995.8029,
    ),
    Divergence(
        "zero-times-log-zero",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 1.0, "y": 1.0},
        "loss",
        NAN,
        -0.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 1.0, "y": 1.0},
        "dL/dyhat",
        NAN,
        0.0,
    ),
    Divergence(
        "clip-after-sum",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 1.0, "y": 0.5},
        "loss",
        100.0,
        50.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 1.0, "y": 0.5},
        "dL/dyhat",
        INF,
        500000001997.9014,
    ),
    Divergence(
        "clip-after-sum",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 1.0, "y": 0.3},
        "loss",
        100.0,
        70.0,
    ),
    Divergence(
        "no-gradient-floor",
        "BinaryCrossEntropyLoss",
        "float64",
        {"yhat": 1.0, "y": 0.3},
        "dL/dyhat",
        INF,
        700000002797.0619,
    ),
    Divergence("sigmoid-exp-overflow", "Sigmoid", "float64", {"z": -1000.0}, "dyhat/dz", NAN, 0.0),
    Divergence(
        "sigmoid-gradient-not-zero",
        "Sigmoid",
        "float64",
        {"z": 40.0},
        "dyhat/dz",
        4.248354255291589e-18,
        0.0,
    ),
    Divergence(
        "sigmoid-gradient-not-zero",
        "Sigmoid",
        "float64",
        {"z": 100.0},
        "dyhat/dz",
        3.720075976020836e-44,
        0.0,
    ),
    Divergence(
        "zero-times-log-zero", "MyNetwork", "float64", {"z": -1000.0, "y": 0.0}, "loss", NAN, 0.0
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float64", {"z": -1000.0, "y": 0.0}, "dL/dW", NAN, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float64",
        {"z": -1000.0, "y": 0.0},
        "W after step",
        NAN,
        -1000.0,
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float64", {"z": -1000.0, "y": 1.0}, "dL/dW", NAN, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float64",
        {"z": -1000.0, "y": 1.0},
        "W after step",
        NAN,
        -1000.0,
    ),
    Divergence(
        "torch-floor-distorts",
        "MyNetwork",
        "float64",
        {"z": -100.0, "y": 1.0},
        "dL/dW",
        -1.0,
        -3.7200759908855256e-32,
    ),
    Divergence(
        "torch-floor-distorts",
        "MyNetwork",
        "float64",
        {"z": -100.0, "y": 1.0},
        "W after step",
        -99.9,
        -100.0,
    ),
    Divergence(
        "yhat-minus-square-cancels",
        "MyNetwork",
        "float64",
        {"z": 20.0, "y": 0.0},
        "dL/dW",
        0.9999999599863633,
        0.9999999979388463,
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float64", {"z": 100.0, "y": 0.0}, "dL/dW", INF, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float64",
        {"z": 100.0, "y": 0.0},
        "W after step",
        -INF,
        100.0,
    ),
    Divergence(
        "zero-times-log-zero", "MyNetwork", "float64", {"z": 100.0, "y": 1.0}, "loss", NAN, 0.0
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float64", {"z": 100.0, "y": 1.0}, "dL/dW", NAN, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float64",
        {"z": 100.0, "y": 1.0},
        "W after step",
        NAN,
        100.0,
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float64", {"z": 1000.0, "y": 0.0}, "dL/dW", NAN, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float64",
        {"z": 1000.0, "y": 0.0},
        "W after step",
        NAN,
        1000.0,
    ),
    Divergence(
        "zero-times-log-zero", "MyNetwork", "float64", {"z": 1000.0, "y": 1.0}, "loss", NAN, 0.0
    ),
    Divergence(
        "saturated-chain", "MyNetwork", "float64", {"z": 1000.0, "y": 1.0}, "dL/dW", NAN, 0.0
    ),
    Divergence(
        "saturated-chain",
        "MyNetwork",
        "float64",
        {"z": 1000.0, "y": 1.0},
        "W after step",
        NAN,
        1000.0,
    ),
)

_BY_KEY = {row.key(): row for row in REGISTER}


def lookup(
    layer: str, dtype: str, inputs: tuple[tuple[str, float], ...], quantity: str
) -> Divergence | None:
    return _BY_KEY.get((layer, dtype, inputs, quantity))


def same_value(value: Any, expected: float) -> bool:
    """Exact equality of a one-element result with a register value, NaN equal to NaN."""
    got = np.asarray(value).ravel()
    return got.size == 1 and bool(np.array_equal(got, [expected], equal_nan=True))


def _number(v: float) -> str:
    return f"{v:.10g}"


def register_markdown() -> str:
    """The register as the README shows it: one table per cause."""
    lines = []
    for cause, why in CAUSES.items():
        rows = [r for r in REGISTER if r.cause == cause]
        lines += [f"#### `{cause}` ({len(rows)} rows)", "", why, ""]
        lines += [
            "| layer | dtype | input | quantity | tutorial | torch |",
            "|---|---|---|---|---|---|",
        ]
        for r in rows:
            args = ", ".join(f"{k}={v:g}" for k, v in r.inputs.items())
            lines.append(
                f"| {r.layer} | {r.dtype} | {args} | {r.quantity} "
                f"| {_number(r.tutorial)} | {_number(r.torch)} |"
            )
        lines.append("")
    return "\n".join(lines)
