"""Properties that hold for any correct implementation, over random shapes, weights and labels.

Hypothesis draws float64 networks in the normal range (|z| <= 10, away from the registered
edges). Profiles: "dev" (default) and "ci" (set when CI is), both derandomized so that a run
is reproducible; ``--hypothesis-seed`` or ``--hypothesis-profile`` change that.
"""

from __future__ import annotations

import os
from types import ModuleType

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reference import impl as impl_side

settings.register_profile(
    "dev",
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.register_profile("ci", parent=settings.get_profile("dev"), print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


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


@given(a=networks())
def test_loss_is_finite_and_non_negative(impl: ModuleType, a: dict[str, np.ndarray]) -> None:
    net = impl_side.new_network(impl, a["W"], a["b"])
    per_element = impl_side.bce_partials(
        impl, impl.Sigmoid().forward(net.linear1.forward(a["x"])), a["y"]
    )["loss"]
    assert np.all(np.isfinite(per_element))
    assert np.all(per_element >= 0)


@given(a=networks())
def test_summed_loss_is_the_sum_of_elements(impl: ModuleType, a: dict[str, np.ndarray]) -> None:
    net = impl_side.new_network(impl, a["W"], a["b"])
    yhat = impl.Sigmoid().forward(net.linear1.forward(a["x"]))
    per_element = impl_side.bce_partials(impl, yhat, a["y"])["loss"]
    # The same sum of the same float64 terms, up to summation order.
    np.testing.assert_allclose(net.forward_loss(a["x"], a["y"]), per_element.sum(), rtol=1e-12)


@given(a=networks(), lr=st.floats(1e-4, 1.0))
def test_update_is_weights_minus_lr_times_gradient(
    impl: ModuleType, a: dict[str, np.ndarray], lr: float
) -> None:
    net = impl_side.new_network(impl, a["W"], a["b"])
    grads = impl_side.network_partials(impl, net, a["x"], a["y"])
    net.update_weights(a["x"], a["y"], lr)
    # Two roundings (lr * g, then W - that): within a few float64 ulps of |W|.
    np.testing.assert_allclose(
        net.linear1.weight, a["W"] - lr * grads["dL/dW"], rtol=1e-12, atol=1e-14
    )
    np.testing.assert_allclose(
        net.linear1.bias, a["b"] - lr * grads["dL/db"], rtol=1e-12, atol=1e-14
    )


@given(a=networks())
def test_loss_falls_along_the_negative_gradient(impl: ModuleType, a: dict[str, np.ndarray]) -> None:
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
    assert after < before - 0.5 * step * norm2


@given(
    yhat=hnp.arrays(np.float64, 5, elements=st.floats(0.001, 0.999)),
    y=hnp.arrays(np.float64, 5, elements=st.floats(0, 1)),
)
def test_loss_is_least_where_prediction_equals_label(
    impl: ModuleType, yhat: np.ndarray, y: np.ndarray
) -> None:
    """Gibbs' inequality: per element, BCE(yhat, y) >= BCE(y, y), soft labels included."""
    assume(np.all((y > 0.001) & (y < 0.999)))
    loss = impl.BinaryCrossEntropyLoss()
    assert np.all(loss.forward(yhat, y) >= loss.forward(y, y) - 1e-12)
