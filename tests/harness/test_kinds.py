"""Kinds of check that any record gets by declaring what they need: the two-layer network's
state and aliasing checks (from its ``Network``), a bad input's error type, and the layout
checks' strided inputs."""

from __future__ import annotations

from types import ModuleType
from typing import Any, ClassVar

import numpy as np
import pytest

import scratch.grown
from reference.checks import run_checks
from reference.checks.layout import strided
from reference.records import TUTORIAL, ErrorCase, Record
from reference.records.grown import TWO_LAYER
from reference.results import Status
from reference.subject import load_impl
from tests.paths import CATALOGUE


def two_layer(network: type) -> ModuleType:
    module = ModuleType("my_two_layer")
    for name in ("Linear", "Sigmoid", "BinaryCrossEntropyLoss", "ReLU", "Tanh"):
        setattr(module, name, getattr(scratch.grown, name))
    module.TwoLayerNetwork = network  # type: ignore[attr-defined]
    return module


class BufferedReLU(scratch.grown.ReLU):
    """Returns its output in one buffer that the next call overwrites."""

    buffer: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        out = super().forward(x)
        if self.buffer is None or self.buffer.shape != out.shape:
            self.buffer = np.empty_like(out)
        self.buffer[...] = out
        return self.buffer


class BufferedNetwork(scratch.grown.TwoLayerNetwork):
    activations: ClassVar[dict[str, type[Any]]] = {
        **scratch.grown.TwoLayerNetwork.activations,
        "relu": BufferedReLU,
    }


class StaleInputNetwork(scratch.grown.TwoLayerNetwork):
    """update_weights differentiates at the input of the last forward_loss, not its own."""

    def forward_loss(self, x: np.ndarray, y: np.ndarray) -> Any:
        self.last_x = x
        return super().forward_loss(x, y)

    def update_weights(self, x: np.ndarray, y: np.ndarray, lr: float) -> None:
        super().update_weights(getattr(self, "last_x", x), y, lr)


def _state(impl: ModuleType) -> list[Any]:
    return run_checks(
        impl, layers=(TWO_LAYER,), select=lambda i: i.startswith("state-TwoLayerNetwork-")
    )


def test_the_two_layer_state_checks_pass_the_grown_network() -> None:
    results = _state(scratch.grown)
    assert len(results) == 16
    assert {r.status for r in results} == {Status.PASSED}


def test_a_returned_buffer_of_a_hidden_layer_is_caught() -> None:
    failed = [r for r in _state(two_layer(BufferedNetwork)) if r.failed]
    assert {r.check.split("-float")[0] for r in failed} == {
        "state-TwoLayerNetwork-inputs-left-alone"
    }
    assert {(r.layer, r.quantity) for r in failed} == {("TwoLayerNetwork", "returned array")}
    assert "TwoLayerNetwork.activation.forward returned an array" in failed[0].message


def test_an_update_at_the_last_forwards_input_is_caught() -> None:
    failed = [r for r in _state(two_layer(StaleInputNetwork)) if r.failed]
    assert {r.check.split("-float")[0] for r in failed} == {
        "state-TwoLayerNetwork-update-after-other-sample"
    }
    assert {r.layer for r in failed} == {"TwoLayerNetwork"}
    # Its partials and runs (a forward and an update on the same input) cannot see it.
    others = run_checks(
        two_layer(StaleInputNetwork),
        layers=(TWO_LAYER,),
        select=lambda i: i.startswith("partials-TwoLayerNetwork-b4"),
    )
    assert others
    assert not [r for r in others if r.failed]


def test_a_bad_input_must_raise_the_error_its_record_names() -> None:
    linear = TUTORIAL[0]
    case = ErrorCase(
        "linear-wrong-length-valueerror",
        lambda impl: impl.Linear(3, 4).forward(np.ones(2, np.float32)),
        raises=(TypeError,),
    )
    record = Record(**{**linear.__dict__, "errors": (case,)})
    (result,) = run_checks(scratch.grown, layers=(record,), select=lambda i: i.startswith("raises"))
    assert result.status == Status.FAILED
    assert "raised ValueError on bad input" in result.message
    assert "TypeError is the error to raise" in result.message


def test_torch_values_are_computed_once_an_input_and_cannot_be_changed() -> None:
    linear = TUTORIAL[0]
    calls = []

    def counted(a: Any, device: str) -> Any:
        calls.append(device)
        return linear.torch(a, device)

    record = Record(**{**linear.__dict__, "torch": counted})
    a = linear.sample(0, (3, 4), np.float32)
    first = record.torch_values(a, "cpu")
    again = record.torch_values({k: v.copy() for k, v in a.items()}, "cpu")  # equal, not same
    other = record.torch_values(linear.sample(1, (3, 4), np.float32), "cpu")
    assert calls == ["cpu", "cpu"]  # the second input is the first's values: kept
    assert all(np.array_equal(first[q], again[q]) for q in first)
    assert not all(np.array_equal(first[q], other[q]) for q in first)
    quantity = next(iter(first))
    with pytest.raises(ValueError, match="read-only"):
        first[quantity][...] = 0
    assert np.array_equal(record.torch_values(a, "cpu")[quantity], again[quantity])


def test_a_strided_view_holds_the_same_values_in_other_memory() -> None:
    a = np.arange(12.0).reshape(3, 4)
    view = strided(a)
    np.testing.assert_array_equal(view, a)
    assert not view.flags.c_contiguous
    assert view.strides[-1] == 2 * a.itemsize
    lr = np.array(0.1)
    assert strided(lr) is lr  # an option, not an input


def test_only_the_layout_checks_see_a_layer_that_reads_its_inputs_buffer() -> None:
    """The slip raises on a strided x; every partials check of the same layers passes."""
    slip = load_impl(str(CATALOGUE / "input_read_through_its_buffer.py"))
    results = run_checks(
        slip, select=lambda check_id: check_id.startswith(("layout-", "partials-Linear-17x5"))
    )
    failed = {r.check for r in results if r.status == Status.FAILED}
    assert failed == {
        "layout-Linear-17x5-float32-strided-cpu",
        "layout-Linear-17x5-float64-strided-cpu",
        "layout-MyNetwork-17x5-float32-strided-two-calls-cpu",
        "layout-MyNetwork-17x5-float64-strided-two-calls-cpu",
    }
    assert any(r.check.startswith("partials-") for r in results)
