"""At a registered divergence, a value at least as close to the exact value as the tutorial's
registered one is as right as it: a pass under --expect tutorial, reported as closer to the
mathematics than the tutorial (reference.verdicts)."""

from __future__ import annotations

import numpy as np
import pytest

from reference.checks import run_checks
from reference.records.tutorial import NETWORK
from reference.results import Grade, Status
from reference.subject import load_impl
from reference.verdicts import TUTORIAL_NEARER, _nearer_than_the_tutorial
from tests.paths import IMPLS

S_OF_OUTPUT = str(IMPLS / "inaccurate" / "sigmoid_grad_from_output.py")
EDGE = "edge-MyNetwork-float64-z=20,y=0-two-calls-cpu"


def _edge(dtype: type) -> dict[str, np.ndarray]:
    a = {"W": [[20.0]], "b": [0.0], "x": [1.0], "y": [0.0], "lr": 0.1}
    return {k: np.asarray(v, dtype) for k, v in a.items()}


def test_a_value_nearer_than_the_tutorials_registered_one_passes() -> None:
    (result,) = run_checks(load_impl(S_OF_OUTPUT), select=lambda i: i == EDGE)
    assert result.status == Status.PASSED
    nearer = [f for f in result.findings if f.label == TUTORIAL_NEARER]
    assert nearer
    assert nearer[0].grade == Grade.CLOSER
    # dL/dW there is sigmoid(20), and the step W - 0.1 sigmoid(20): the distances, here.
    ev = nearer[0].evidence
    assert ev is not None
    assert ev.got is not None
    exact = 1 / (1 + np.exp(-20.0))
    mine = abs(ev.got.data[0] - exact) / np.spacing(exact)
    assert ev.ulps["got"] == pytest.approx(mine, rel=1e-3)


def test_under_torchs_expectation_it_fails() -> None:
    (result,) = run_checks(load_impl(S_OF_OUTPUT), expect="torch", select=lambda i: i == EDGE)
    assert result.status == Status.FAILED


def test_nearness_to_an_infinitely_wrong_registered_value_means_nothing() -> None:
    a = _edge(np.float32)
    assert (
        _nearer_than_the_tutorial(
            NETWORK, a, "dL/dW", np.array([[5.0]], np.float32), np.inf, np.float32
        )
        is None
    )


def test_a_value_further_than_the_tutorials_fails_the_rule() -> None:
    a = _edge(np.float64)
    exact = 1 / (1 + np.exp(-20.0))
    tutorial = exact + 1e-8  # what the register would hold
    near, far = np.array([[exact + 1e-9]]), np.array([[exact + 1e-7]])
    assert _nearer_than_the_tutorial(NETWORK, a, "dL/dW", near, tutorial, np.float64)
    assert _nearer_than_the_tutorial(NETWORK, a, "dL/dW", far, tutorial, np.float64) is None
