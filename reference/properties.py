"""Properties that hold for any correct implementation, over random shapes, weights and labels.

Hypothesis draws float64 networks in the normal range (|z| <= 10, away from the registered
edges), derandomized so that a run is reproducible, with no example database: a check run
from a user's project leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reference import impl as impl_side
from reference.compare import CheckFailure, mismatch

SETTINGS = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
F64 = np.dtype(np.float64)


@st.composite
def networks(draw: st.DrawFn) -> dict[str, np.ndarray]:
    """W in [-2, 2], b in [-2, 2], x in [-1, 1] with at most 4 inputs: |z| <= 10."""
    n_in = draw(st.integers(1, 4))
    n_out = draw(st.integers(1, 6))
    unit = st.floats(-1, 1, allow_nan=False)
    return {
        "W": 2 * draw(hnp.arrays(np.float64, (n_out, n_in), elements=unit)),
        "b": 2 * draw(hnp.arrays(np.float64, n_out, elements=unit)),
        "x": draw(hnp.arrays(np.float64, n_in, elements=unit)),
        "y": draw(hnp.arrays(np.float64, n_out, elements=st.floats(0, 1))),
    }


def _fail(message: str, quantity: str, a: dict[str, np.ndarray]) -> None:
    inputs = "; ".join(f"{k}={np.array2string(v, precision=6)}" for k, v in a.items())
    raise CheckFailure(f"MyNetwork: {message}\n  input: {inputs}", "MyNetwork", quantity)


def _match(got: object, expected: object, quantity: str, table_key: str, a: dict) -> None:
    report = mismatch(got, expected, layer="MyNetwork", quantity=table_key, inputs=a, dtype=F64)
    if report is not None:
        raise CheckFailure(report.replace(table_key, quantity, 1), "MyNetwork", quantity)


def _per_element(impl: ModuleType, net: object, a: dict[str, np.ndarray]) -> np.ndarray:
    yhat = impl.Sigmoid().forward(net.linear1.forward(a["x"]))  # type: ignore[attr-defined]
    return np.asarray(impl.BinaryCrossEntropyLoss().forward(yhat, a["y"]))


def loss_is_finite_and_non_negative(impl: ModuleType) -> None:
    @SETTINGS
    @given(a=networks())
    def prop(a: dict[str, np.ndarray]) -> None:
        loss = _per_element(impl, impl_side.new_network(impl, a["W"], a["b"]), a)
        if not (np.all(np.isfinite(loss)) and np.all(loss >= 0)):
            _fail(f"a per-element loss is negative or not finite: {loss}", "loss", a)

    prop()


def summed_loss_is_the_sum_of_elements(impl: ModuleType) -> None:
    @SETTINGS
    @given(a=networks())
    def prop(a: dict[str, np.ndarray]) -> None:
        net = impl_side.new_network(impl, a["W"], a["b"])
        total = net.forward_loss(a["x"], a["y"])
        _match(float(total), _per_element(impl, net, a).sum(), "summed loss", "sum order", a)

    prop()


def update_is_weights_minus_lr_times_gradient(impl: ModuleType) -> None:
    @SETTINGS
    @given(a=networks(), lr=st.floats(1e-4, 1.0))
    def prop(a: dict[str, np.ndarray], lr: float) -> None:
        net = impl_side.new_network(impl, a["W"], a["b"])
        grads = impl_side.network_partials(impl, net, a["x"], a["y"])
        net.update_weights(a["x"], a["y"], lr)
        inputs = {**a, "lr": np.array(lr)}
        expected = a["W"] - lr * grads["dL/dW"]
        _match(net.linear1.weight, expected, "W after step", "update equation", inputs)
        expected = a["b"] - lr * grads["dL/db"]
        _match(net.linear1.bias, expected, "b after step", "update equation", inputs)

    prop()


def loss_falls_along_the_negative_gradient(impl: ModuleType) -> None:
    @SETTINGS
    @given(a=networks())
    def prop(a: dict[str, np.ndarray]) -> None:
        net = impl_side.new_network(impl, a["W"], a["b"])
        before = float(net.forward_loss(a["x"], a["y"]))
        grads = impl_side.network_partials(impl, net, a["x"], a["y"])
        norm2 = float(np.sum(grads["dL/dW"] ** 2) + np.sum(grads["dL/db"] ** 2))
        assume(norm2 > 1e-6)  # a step on a flat point changes nothing measurable
        step = 1e-3 / max(1.0, norm2)
        net.linear1.weight = a["W"] - step * grads["dL/dW"]
        net.linear1.bias = a["b"] - step * grads["dL/db"]
        after = float(net.forward_loss(a["x"], a["y"]))
        # First order: the loss falls by about step * |grad|^2; half of that must show.
        if not after < before - 0.5 * step * norm2:
            _fail(
                f"a step of {step:.3g} along the negative gradient moved the loss from "
                f"{before!r} to {after!r}; it should fall by about {step * norm2:.3g}",
                "dL/dW",
                a,
            )

    prop()


def loss_is_least_where_prediction_equals_label(impl: ModuleType) -> None:
    """Gibbs' inequality: per element, BCE(yhat, y) >= BCE(y, y), soft labels included."""

    @SETTINGS
    @given(
        yhat=hnp.arrays(np.float64, 5, elements=st.floats(0.001, 0.999)),
        y=hnp.arrays(np.float64, 5, elements=st.floats(0.001, 0.999)),
    )
    def prop(yhat: np.ndarray, y: np.ndarray) -> None:
        loss = impl.BinaryCrossEntropyLoss()
        at_yhat, at_y = np.asarray(loss.forward(yhat, y)), np.asarray(loss.forward(y, y))
        if not np.all(at_yhat >= at_y - 1e-12):
            _fail(
                f"BCE(yhat, y) = {at_yhat} is below BCE(y, y) = {at_y}",
                "loss",
                {"yhat": yhat, "y": y},
            )

    prop()


PROPERTIES: dict[str, Callable[[ModuleType], None]] = {
    "loss-finite-non-negative": loss_is_finite_and_non_negative,
    "summed-loss-is-sum": summed_loss_is_the_sum_of_elements,
    "update-is-w-minus-lr-grad": update_is_weights_minus_lr_times_gradient,
    "loss-falls-along-gradient": loss_falls_along_the_negative_gradient,
    "loss-least-at-label": loss_is_least_where_prediction_equals_label,
}
