"""Generated call sequences (reference.checks.sequences): deterministic programs, judged call
by call; slips that every fixed check passes fail here, and a failure prints a script that
runs."""

from __future__ import annotations

import contextlib
import io
import re

import numpy as np
import pytest

from reference.checks import all_checks, result_of, run_one
from reference.checks.sequences import _sequence, program
from reference.records.grown import ACTIVATIONS, TWO_LAYER
from reference.records.tutorial import NETWORK
from reference.results import Result, Status
from reference.subject import load_impl
from tests.paths import CATALOGUE, IMPLS

PATHS = ("two-calls",)  # the tutorial's own step: forward_loss, then update_weights


def _sequences(spec: str) -> list[Result]:
    impl = load_impl(spec)
    checks = [c for c in all_checks(impl, devices=("cpu",)) if c.id.startswith("sequence-")]
    assert checks
    return [run_one(c, impl) for c in checks]  # a failure shrunk by rerunning it here


def test_a_program_is_the_same_for_its_seed_and_spans_sizes_and_rates() -> None:
    a, b = (program(3, "float32", ("two-calls",), NETWORK) for _ in range(2))
    assert [op["op"] for op in a] == [op["op"] for op in b]
    assert all(
        np.array_equal(x[k], y[k]) for x, y in zip(a, b, strict=True) for k in x if k in ("x", "y")
    )
    ops = [op for seed in range(40) for op in program(seed, "float64", ("two-calls",), NETWORK)]
    sizes = {op["params"]["W"].size for op in ops if op["op"] == "new"}
    rates = [op["lr"] for op in ops if "lr" in op]
    assert min(sizes) == 1
    assert max(sizes) >= 2000  # layers of thousands of weights (up to 64 x 64)
    assert min(rates) < 1e-3
    assert max(rates) > 3
    assert any(op["op"] == "refill" for op in ops)  # an input given new contents in place


@pytest.mark.parametrize(
    "slip",
    ["update_lr_capped_at_one", "update_large_layers_in_float16"],
)
def test_a_slip_every_fixed_check_passes_fails_a_sequence(slip: str) -> None:
    spec = str(CATALOGUE / f"{slip}.py")
    impl = load_impl(spec)
    fixed = [c for c in all_checks(impl, devices=("cpu",)) if not c.id.startswith("sequence-")]
    # Only the network's steps could see these (a rate above 1, a layer of over 256
    # weights): the partials at one of the fixed rates and shapes stand for the rest.
    sample = [c for c in fixed if c.id.startswith("partials-MyNetwork-17x5-float32-seed0")]
    assert all(result_of(c, c.driven(impl)).status == Status.PASSED for c in sample)
    failed = [r for r in _sequences(spec) if r.status == Status.FAILED]
    assert failed
    assert failed[0].quantity == "W after step"


def test_a_returned_array_that_changes_later_is_reported_as_shared_state() -> None:
    failed = [r for r in _sequences(str(CATALOGUE / "returned_buffer_reused.py")) if r.failed]
    assert failed
    assert "changed after it: it shares memory with state" in failed[0].message


def test_a_changed_argument_is_reported_as_such() -> None:
    failed = [r for r in _sequences(str(CATALOGUE / "inputs_changed_in_place.py")) if r.failed]
    assert failed
    assert "changed its argument" in failed[0].message


def _script(message: str) -> str:
    _, _, script = message.partition("to paste and run:\n")
    return "\n".join(line.removeprefix("    ") for line in script.splitlines())


def _run_script(code: str, spec: str) -> str:
    """The script run against the implementation at ``spec``; what it printed."""
    assert "__import__('my_net')" in code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code.replace("__import__('my_net')", "slip"), {"slip": load_impl(spec)})
    return out.getvalue()


@pytest.mark.slow  # about 3 s: every sequence of the slip judged, then the search
def test_a_failure_is_shrunk_to_the_calls_that_fail_and_its_script_runs() -> None:
    """The rate capped at 1: of the failing sequence's calls, the network's creation and one
    step at a rate above 1 are what fail; the search finds them, and the script runs."""
    spec = str(CATALOGUE / "update_lr_capped_at_one.py")
    failed = next(r for r in _sequences(spec) if r.failed)
    assert "shrunk by search" in failed.message
    code = _script(failed.message)
    lines = code.splitlines()
    assert sum("= impl.MyNetwork(" in line for line in lines) == 1, code
    steps = [line for line in lines if ".update_weights(" in line or ".train_step(" in line]
    assert len(steps) == 1, code  # the one step at a rate the slip caps
    assert float(steps[0].rsplit(", ", 1)[1].rstrip(")")) > 1
    assert not [line for line in lines if ".forward_loss(" in line or ".forward(" in line]
    assert _run_script(code, spec)  # each call's values, printed


def test_a_failure_between_networks_keeps_both_in_its_script() -> None:
    """Weights shared between networks fail only with two alive: the shrunk script keeps
    both, named apart, and runs."""
    spec = str(CATALOGUE / "shared_weights_between_networks.py")
    failed = next(r for r in _sequences(spec) if r.failed)
    code = _script(failed.message)
    made = re.findall(r"^(net\d+) = impl\.MyNetwork\(", code, re.MULTILINE)
    assert len(set(made)) == 2, code
    assert _run_script(code, spec)


@pytest.mark.slow  # about 4 s: the two-layer network's sequences, judged
def test_the_two_layer_network_gets_sequences_of_its_own_on_batches() -> None:
    ops = [op for seed in range(20) for op in program(seed, "float32", ("two-calls",), TWO_LAYER)]
    made = [op for op in ops if op["op"] == "new"]
    assert {op["options"]["activation"] for op in made} == set(ACTIVATIONS)
    assert {op["options"]["reduction"] for op in made} == {"sum", "mean"}
    assert any(np.ndim(op["x"]) == 2 and len(op["x"]) > 1 for op in ops if "x" in op)
    results = _sequences("scratch.grown")
    assert any(r.check.startswith("sequence-TwoLayerNetwork-") for r in results)
    assert not [r.message for r in results if r.failed][:1]


@pytest.mark.slow  # two sequences of 30 calls, judged
@pytest.mark.parametrize("correct", ["factored_denominator", "keras_eps_clip"])
def test_a_right_formula_at_an_ill_conditioned_point_passes_as_close_as_a_correct_one(
    correct: str,
) -> None:
    """Seed 15 (beyond the default budget): a step at lr 3.4 with a logit near 7, where the
    tutorial's own b is 196 float32 ulps from the exact value and torch's 23; these right
    formulas, 1250, had failed. The farther of torch and the tutorial is the yardstick."""
    impl = load_impl(str(IMPLS / "correct" / f"{correct}.py"))
    check = _sequence(
        "sequence-MyNetwork-float32-seed15", NETWORK, 15, "float32", PATHS, "tutorial"
    )
    result = result_of(check, check.driven(impl))
    assert not result.failed, result.message[:600]
    # A wrong dtype is not rescued however near its numbers (a step that upcasts the weights).
    slip = load_impl(str(CATALOGUE / "dtype_update_upcasts.py"))
    check = _sequence("sequence-MyNetwork-float32-seed2", NETWORK, 2, "float32", PATHS, "tutorial")
    upcast = result_of(check, check.driven(slip))
    assert upcast.status == Status.FAILED
    assert "in dtype" in upcast.message
