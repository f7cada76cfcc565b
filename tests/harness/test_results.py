"""Results are data: every field a report needs is a field, and results survive pickling and
strict JSON unchanged (the regression, isolation and grading work reads them back)."""

from __future__ import annotations

import json
import pickle
from typing import Any

import numpy as np
import pytest

from reference.checks import run_checks
from reference.formats import text as report_text
from reference.reports import Checked, Provenance, Report
from reference.results import Grade, Result, Status, Value
from reference.subject import load_impl
from tests.paths import ROOT

SLIP = ROOT / "reference" / "slips" / "sigmoid_grad_no_square.py"
CONTRACT = ROOT / "tests" / "impls" / "broken_contract.py"


@pytest.fixture(scope="session")  # once a worker: work stealing interleaves the modules
def slip_results() -> list[Result]:
    prefixes = ("partials-Sigmoid-3x4-float32", "edge-Sigmoid-float32", "edge-MyNetwork-float32")
    return run_checks(load_impl(str(SLIP)), select=lambda i: i.startswith(prefixes))


def test_a_wrong_value_carries_its_evidence_as_fields(slip_results: list[Result]) -> None:
    failed = [r for r in slip_results if r.status == Status.FAILED]
    assert failed, "the slip's dyhat/dz must fail"
    first = failed[0]
    assert (first.layer, first.quantity, first.grade) == ("Sigmoid", "dyhat/dz", Grade.WRONG)
    (finding,) = first.findings
    ev = finding.evidence
    assert ev is not None
    assert ev.got is not None
    assert ev.torch is not None
    z = ev.inputs["z"].array()
    # The exact value is the derivative s(1 - s), computed here independently; torch gives
    # it, the slip (the quotient rule without its square) gives 1 - s.
    s = 1 / (1 + np.exp(-z.astype(np.float64)))
    assert ev.exact is not None
    assert np.allclose(ev.exact, s * (1 - s), rtol=1e-12)
    assert np.allclose(ev.torch.array(), s * (1 - s), rtol=1e-6)
    assert np.allclose(ev.got.array(), 1 - s, rtol=1e-6)
    assert ev.ulps["got"] > ev.ulps["torch"]
    assert ev.differs_in == "value"


def test_results_round_trip_through_strict_json_and_pickle(slip_results: list[Result]) -> None:
    graded = {r.status for r in slip_results} | {r.grade for r in slip_results}
    assert {Status.PASSED, Status.FAILED, Status.KNOWN, Grade.KNOWN, Grade.WRONG} <= graded
    text = json.dumps([r.to_json() for r in slip_results], allow_nan=False)
    back = [Result.from_json(d) for d in json.loads(text)]
    assert back == slip_results
    assert pickle.loads(pickle.dumps(slip_results)) == slip_results


def test_a_value_keeps_nan_inf_and_its_dtype() -> None:
    a = np.array([[np.nan, np.inf], [-np.inf, 1e-45]], np.float32)
    back = Value.from_json(json.loads(json.dumps(Value.of(a).to_json(), allow_nan=False)))
    assert back.array().dtype == np.float32
    assert back.array().shape == (2, 2)
    assert np.array_equal(back.array(), a, equal_nan=True)


def test_a_contract_breach_names_what_is_missing_as_data() -> None:
    results = run_checks(load_impl(str(CONTRACT)), select=lambda i: i.startswith("partials-"))
    cannot = [r for r in results if r.status == Status.CANNOT_RUN]
    assert cannot
    assert all(r.missing for r in cannot)
    assert all(m in r.message for r in cannot for m in r.missing)
    text = report_text(
        Report("tutorial", (Checked(Provenance(str(CONTRACT)), tuple(results)),)), {}
    )
    missing = sorted({m for r in cannot for m in r.missing})
    assert f"lacks: {', '.join(missing)}" in text


@pytest.mark.parametrize(
    ("got", "expected", "close"),
    [
        ([50.0], [np.inf], False),  # an infinity is near nothing finite
        ([np.inf], [np.inf], True),
        ([-np.inf], [np.inf], False),
        ([np.nan], [np.nan], True),
        ([1.0], [1.0 + 1e-7], True),
        ([1.0], [1.0 + 1e-3], False),
    ],
)
def test_the_quick_comparison_agrees_with_torch(got: list, expected: list, close: bool) -> None:
    """compare.mismatch passes clearly close values without torch; torch decides the rest."""
    import torch

    from reference.compare import mismatch
    from reference.tolerances import tolerance

    g, e = np.array(got, np.float32), np.array(expected, np.float32)
    where: dict[str, Any] = {"layer": "x", "quantity": "loss", "inputs": {}, "dtype": np.float32}
    assert (mismatch(g, e, **where) is None) == close
    tol = tolerance(np.float32, "loss")  # the table's, as mismatch takes it
    try:
        torch.testing.assert_close(
            torch.tensor(g), torch.tensor(e), rtol=tol.rtol, atol=tol.atol, equal_nan=True
        )
        torch_close = True
    except AssertionError:
        torch_close = False
    assert torch_close == close


def test_every_compared_quantity_is_data_pass_or_fail(slip_results: list[Result]) -> None:
    """A regression check compares quantities that passed too: each check keeps every one it
    compared, the implementation's value beside the reference's, up to the first wrong."""
    partials = next(r for r in slip_results if r.check.startswith("partials-Sigmoid-3x4"))
    names = [q.quantity for q in partials.quantities]
    assert names[0] == "yhat"  # passed: the slip's forward is the tutorial's
    assert names[-1] == "dyhat/dz"  # the first wrong one ends the check
    yhat, grad = partials.quantities[0], partials.quantities[-1]
    z = yhat.inputs["z"].array().astype(np.float64)
    s = 1 / (1 + np.exp(-z))
    assert np.allclose(yhat.got.array(), s, rtol=1e-6)  # type: ignore[union-attr]
    assert np.allclose(grad.got.array(), 1 - s, rtol=1e-6)  # type: ignore[union-attr]
    assert np.allclose(grad.reference.array(), s * (1 - s), rtol=1e-6)
    assert grad.exact is not None  # the verdict computed it for the failure
    assert np.allclose(grad.exact, s * (1 - s), rtol=1e-12)


def test_values_are_equal_bit_for_bit() -> None:
    """NaN equals NaN (a value that stays NaN is unchanged); -0.0 is not 0.0."""
    nan = Value.of(np.array([np.nan], np.float32))
    assert nan == Value.from_json(json.loads(json.dumps(nan.to_json())))
    assert Value.of(np.array([-0.0])) != Value.of(np.array([0.0]))
    assert Value.of(np.array([1.0], np.float32)) != Value.of(np.array([1.0], np.float64))


def test_a_float32_is_written_short_and_read_back_to_its_bits() -> None:
    a = np.array([0.1, 1 / 3, 1e-45, 3.4028235e38], np.float32)
    written = Value.of(a).to_json()
    assert written["data"][0] == 0.1  # not 0.10000000149011612
    assert np.array_equal(Value.from_json(written).array().view(np.uint32), a.view(np.uint32))
