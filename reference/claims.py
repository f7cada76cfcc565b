"""The tutorial's claims, each with a verdict and the tests that decide it.

The README's table is generated from this one (``python -m reference claims``); a test checks
that they agree and that every test named here exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from reference.divergences import register


@dataclass(frozen=True)
class Claim:
    quote: str  # the tutorial's words
    verdict: str  # "holds", "holds with a condition", "does not hold"
    finding: str
    tests: tuple[str, ...]  # pytest node ids (file::function), or "check PREFIX": those checks
    causes: tuple[str, ...] = ()  # the register's causes that bear on it


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "Sometimes this is normalized by the number of samples 1/N, but it's not needed (and "
        "pytorch drops it) / We drop the 1/len(yhat) factor to make the loss the same as "
        "torch's BCE loss",
        "holds with a condition",
        "torch's nn.BCELoss() defaults to reduction='mean', which keeps the 1/N; the "
        "tutorial's loss is torch's only with reduction='sum'.",
        (
            "tests/docs/test_claims.py::test_torch_bce_default_is_the_mean",
            "check partials-MyNetwork",
        ),
    ),
    Claim(
        "clamp the loss entries to at most 100 to avoid nan (and like torch's BCE loss)",
        "does not hold",
        "np.clip keeps NaN: at yhat = y in {0, 1} the loss is 0 * log(0) = NaN. Torch clamps "
        "each log term at -100 before weighting it, so soft labels at yhat in {0, 1} give "
        "y * 100 in torch and 100 in the tutorial.",
        ("tests/harness/test_divergences.py::test_both_values_are_pinned",),
        ("zero-times-log-zero", "clip-after-sum", "log-of-one-minus"),
    ),
    Claim(
        "dL/dyhat = (yhat - y) / (yhat - yhat^2)",
        "holds with a condition",
        "Right for 0 < yhat < 1 (finite differences agree); ±inf or NaN at yhat in {0, 1}, "
        "where torch floors the denominator at 1e-12, and it loses digits as yhat -> 1.",
        (
            "check fd-",
            "tests/harness/test_divergences.py::test_both_values_are_pinned",
        ),
        ("no-gradient-floor", "torch-floor-distorts", "yhat-minus-square-cancels"),
    ),
    Claim(
        "d sigma / dx = e^-x / (e^-x + 1)^2",
        "holds with a condition",
        "Right mathematically (finite differences agree); as code it is NaN once e^-x "
        "overflows (x <= -88.73 in float32).",
        (
            "check fd-",
            "tests/harness/test_divergences.py::test_both_values_are_pinned",
        ),
        ("sigmoid-exp-overflow", "sigmoid-gradient-not-zero"),
    ),
    Claim(
        "The gradient of y = Wx + b with respect to W is x^T, and with respect to b is 1",
        "holds",
        "As the tutorial uses it: the outer product of the upstream gradient with x, and the "
        "upstream gradient itself; finite differences and autograd agree.",
        (
            "check fd-",
            "check partials-Linear",
        ),
    ),
    Claim(
        "we have to take the outer product between the partial loss_wrt_linear1 and "
        "linear1_wrt_weight",
        "holds",
        "update_weights moves W by exactly lr times the finite-difference gradient, and "
        "matches torch's SGD step.",
        (
            "check fd-",
            "check partials-MyNetwork",
        ),
    ),
    Claim(
        "We define 3 methods for our network: forward, forward_loss, and update_weights",
        "does not hold",
        "The tutorial's MyNetwork has no forward method; scratch adds it.",
        ("tests/docs/test_claims.py::test_tutorial_network_has_no_forward",),
    ),
    Claim(
        "the update_weights method is the backward pass of the network with the loss function "
        "and the update of the weights",
        "holds",
        "One call equals torch's zero_grad, BCELoss(sum), backward and SGD step, within "
        "float tolerance, for every seed, shape, dtype and learning rate tested.",
        ("check partials-MyNetwork",),
    ),
    Claim(
        "the first element is an indicator variable for the ground truth label, making this "
        "easy data to fit",
        "holds",
        "The run's loss falls from 12.9 to 0.214 and every prediction lands on the right "
        "side of 0.5.",
        ("tests/project/test_tutorial.py::test_the_tutorial_run_fits_its_data",),
    ),
    Claim(
        "Epoch: 1997 Loss: 0.2139563336968422 / Epoch: 1998 Loss: 0.21384888887405396 / "
        "Epoch: 1999 Loss: 0.2137417010962963",
        "holds with a condition",
        "Within half a float32 ulp with OpenBLAS's Haswell kernel; 3.5 to 12 ulp with its "
        "AVX-512 kernels, which sum W @ x in another order (the tutorial's own code too).",
        ("tests/project/test_tutorial.py::test_published_losses_reproduced",),
    ),
)


def nearer(claim: Claim) -> str:
    """Of the register's rows under the claim's causes, how many have the tutorial's value
    nearer to the exact one, and how many torch's (computed by mpmath: reference.oracle)."""
    rows = [r for r in register() if r.cause in claim.causes]
    if not rows:
        return "-"
    counts = {side: sum(r.nearer == side for r in rows) for side in ("tutorial", "torch")}
    neither = len(rows) - sum(counts.values())
    return (
        f"tutorial {counts['tutorial']}, torch {counts['torch']}"
        + (f", neither {neither}" if neither else "")
        + f" (of {len(rows)})"
    )


def claims_markdown() -> str:
    lines = [
        "| the tutorial says | verdict | what the harness found | nearer to the exact value "
        "(register rows) | decided by |",
        "|---|---|---|---|---|",
    ]
    for c in CLAIMS:
        tests = "<br>".join(f"`{t}`" for t in c.tests)
        lines.append(f'| "{c.quote}" | **{c.verdict}** | {c.finding} | {nearer(c)} | {tests} |')
    return "\n".join(lines) + "\n"
