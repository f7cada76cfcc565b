"""A failure names a catalogued slip only where that slip reproduces the value, and states
the exact value, NaN and inf included (reference.diagnosis, reference.verdicts)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from reference.checks import run_checks
from reference.diagnosis import catalogue, reproduces
from reference.results import Finding
from reference.subject import load_impl
from tests.paths import CATALOGUE, IMPLS

WHERE: dict[str, Any] = {
    "layer": "Sigmoid",
    "quantity": "dyhat/dz",
    "inputs": {},
    "dtype": "float32",
}


def _first_wrong(spec: str, prefix: str) -> Finding:
    (result,) = run_checks(load_impl(spec), select=lambda i: i.startswith(prefix))
    assert result.failed
    return result.findings[0]


@pytest.mark.parametrize(
    ("got", "value", "same"),
    [
        ([0.25, np.nan], [0.25, np.nan], True),
        ([np.nan], [np.nan], False),  # NaN alone tells no formula from another
        ([np.inf, -np.inf], [np.inf, -np.inf], False),
        ([0.25, np.nan], [0.25, 0.5], False),  # the NaN pattern differs
        ([0.25, np.inf], [0.25, -np.inf], False),  # an infinity of the other sign
        ([1e-9, 0.5], [-1e-9, 0.5], False),  # within tolerance, but of the other sign
        ([0.25, 0.5], [0.25, 0.50000006], True),
    ],
    ids=["nan-kept", "nan-alone", "inf-alone", "nan-pattern", "inf-sign", "sign", "rounding"],
)
def test_a_slip_reproduces_a_value_only_with_its_pattern_and_signs(
    got: list[float], value: list[float], same: bool
) -> None:
    g, v = np.array(got, np.float32), np.array(value, np.float32)
    assert reproduces(g, v, WHERE) == same


def test_a_catalogued_slip_is_named_where_it_reproduces_the_value() -> None:
    path = CATALOGUE / "sigmoid_grad_no_square.py"
    finding = _first_wrong(str(path), "partials-Sigmoid-3x4-float32-seed0")
    what = dict((m.__file__, w) for w, m in catalogue())[str(path)]
    assert finding.evidence is not None
    assert finding.evidence.slip == what
    assert f"which is what the slip '{what}' gives here" in finding.text


def test_a_nan_names_no_slip_and_states_the_clamped_losss_own_derivative() -> None:
    """The clip's slope times the log's is NaN at yhat = 0; the formula's derivative is -inf
    there and the clamped loss's is 0 (it is flat): both are stated, and no slip."""
    spec = str(IMPLS / "inaccurate" / "clip_slope_times_log_slope.py")
    finding = _first_wrong(spec, "edge-BinaryCrossEntropyLoss-float32-yhat=0,y=1-")
    ev = finding.evidence
    assert ev is not None
    assert ev.got is not None
    assert np.isnan(ev.got.data[0])
    assert ev.exact == (-np.inf,)  # d/dyhat of -log(yhat) at 0
    assert ev.clamped == (0.0,)  # min(-log(yhat), 100) is flat near 0
    assert ev.slip == ""
    assert "no catalogued slip gives this value here" in finding.text
    assert (
        "the loss as clamped at 100 is flat here; differentiated as clamped: [0.]" in finding.text
    )


def test_a_point_whose_quantities_follow_two_conventions_fails_saying_which() -> None:
    """The loss follows torch's clamp, the gradient Keras's eps-clip: each alone passes as a
    convention; the point fails, naming which quantity follows which."""
    spec = str(CATALOGUE / "bce_mixed_conventions.py")
    (result,) = run_checks(
        load_impl(spec), select=lambda i: i == "edge-BinaryCrossEntropyLoss-float32-yhat=0,y=1-cpu"
    )
    assert result.failed
    assert result.quantity == "dL/dyhat"
    assert "no one convention explains every quantity at this input" in result.message
    assert "loss follows clip of the finished loss, torch; dL/dyhat follows eps-clip 1e-7" in (
        result.message
    )
