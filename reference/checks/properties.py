"""Properties that hold for any correct implementation, over random shapes, weights and labels.

Hypothesis draws float64 networks in the normal range (|z| <= 10, away from the registered
edges), derandomized so that a run is reproducible, with no example database: a check run
from a user's project leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reference import subject
from reference.checks.base import Check, Context
from reference.compare import CheckFailure, mismatch
from reference.records import ACTIVATIONS, REDUCTIONS

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


def _fail(message: str, quantity: str, a: dict[str, np.ndarray], layer: str = "MyNetwork") -> None:
    inputs = "; ".join(f"{k}={np.array2string(v, precision=6)}" for k, v in a.items())
    raise CheckFailure(f"{layer}: {message}\n  input: {inputs}", layer, quantity)


def _match(
    got: object,
    expected: object,
    quantity: str,
    table_key: str,
    a: dict,
    layer: str = "MyNetwork",
) -> None:
    """Fail unless got matches expected within the table's ``table_key`` entry."""
    report = mismatch(
        got, expected, layer=layer, quantity=quantity, inputs=a, dtype=F64, tolerance_of=table_key
    )
    if report is not None:
        raise CheckFailure(report, layer, quantity)


def _per_element(impl: ModuleType, net: object, a: dict[str, np.ndarray]) -> np.ndarray:
    yhat = impl.Sigmoid().forward(net.linear1.forward(a["x"]))  # type: ignore[attr-defined]
    return np.asarray(impl.BinaryCrossEntropyLoss().forward(yhat, a["y"]))


def loss_is_finite_and_non_negative(impl: ModuleType) -> None:
    @SETTINGS
    @given(a=networks())
    def prop(a: dict[str, np.ndarray]) -> None:
        loss = _per_element(impl, subject.new_network(impl, a["W"], a["b"]), a)
        if not (np.all(np.isfinite(loss)) and np.all(loss >= 0)):
            _fail(f"a per-element loss is negative or not finite: {loss}", "loss", a)

    prop()


def summed_loss_is_the_sum_of_elements(impl: ModuleType) -> None:
    @SETTINGS
    @given(a=networks())
    def prop(a: dict[str, np.ndarray]) -> None:
        net = subject.new_network(impl, a["W"], a["b"])
        total = net.forward_loss(a["x"], a["y"])
        _match(float(total), _per_element(impl, net, a).sum(), "summed loss", "sum order", a)

    prop()


def update_is_weights_minus_lr_times_gradient(impl: ModuleType) -> None:
    @SETTINGS
    @given(a=networks(), lr=st.floats(1e-4, 1.0))
    def prop(a: dict[str, np.ndarray], lr: float) -> None:
        net = subject.new_network(impl, a["W"], a["b"])
        grads = subject.network_partials(impl, net, a["x"], a["y"])
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
        net = subject.new_network(impl, a["W"], a["b"])
        before = float(net.forward_loss(a["x"], a["y"]))
        grads = subject.network_partials(impl, net, a["x"], a["y"])
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


# --- the two-layer network (reference.records.grown) ----------------------------------------


@st.composite
def two_layer_networks(draw: st.DrawFn) -> dict[str, np.ndarray]:
    """A float64 two-layer network in the normal range, a batch of 1 to 5 samples, and one
    of its activations and reductions."""
    n_in, n_hidden, n_out = (
        draw(st.integers(1, 4)),
        draw(st.integers(1, 5)),
        draw(st.integers(1, 3)),
    )
    batch = draw(st.integers(1, 5))
    unit = st.floats(-1, 1, allow_nan=False)

    def arr(*shape: int, scale: float = 1.0) -> np.ndarray:
        return scale * draw(hnp.arrays(np.float64, shape, elements=unit))

    return {
        "W1": arr(n_hidden, n_in, scale=2),
        "b1": arr(n_hidden),
        "W2": arr(n_out, n_hidden, scale=2),
        "b2": arr(n_out),
        "x": arr(batch, n_in),
        "y": draw(hnp.arrays(np.float64, (batch, n_out), elements=st.floats(0, 1))),
        "activation": np.array(draw(st.sampled_from(tuple(ACTIVATIONS)))),
        "reduction": np.array(draw(st.sampled_from(REDUCTIONS))),
        "lr": np.array(0.1),
    }


# The two-layer properties' spellings of the same two helpers (their bodies call these names).
def _two_layer_fail(message: str, quantity: str, a: dict[str, np.ndarray]) -> None:
    _fail(message, quantity, a, "TwoLayerNetwork")


def _two_layer_match(
    got: object, expected: object, quantity: str, a: dict, table_key: str = "sum order"
) -> None:
    _match(got, expected, quantity, table_key, a, "TwoLayerNetwork")


def _steps(
    impl: ModuleType, a: dict[str, np.ndarray], **changes: np.ndarray
) -> dict[str, np.ndarray]:
    """The loss and the four parameters after one update_weights, on a with its changes."""
    a = {**a, **changes}
    net = subject.new_two_layer(impl, a)
    loss = np.asarray(net.forward_loss(a["x"], a["y"]))
    net.update_weights(a["x"], a["y"], float(a["lr"]))
    out = {"loss": loss}
    for k in (1, 2):
        linear = getattr(net, f"linear{k}")
        out[f"W{k} after step"], out[f"b{k} after step"] = linear.weight, linear.bias
    return out


def batch_of_one_is_the_sample(impl: ModuleType) -> None:
    """A batch of one sample, (1, features), gives the per-sample call's loss and step."""

    @SETTINGS
    @given(a=two_layer_networks())
    def prop(a: dict[str, np.ndarray]) -> None:
        one = {"x": a["x"][:1], "y": a["y"][:1]}
        batched = _steps(impl, a, **one)
        single = _steps(impl, a, x=one["x"][0], y=one["y"][0])
        for quantity, value in single.items():
            _two_layer_match(batched[quantity], value, f"{quantity} (batch of one)", a)

    prop()


def mean_is_the_sum_over_n(impl: ModuleType) -> None:
    """With reduction "mean" the loss is the sum's over N (batch x outputs), and a step at
    lr is the sum's step at lr / N."""

    @SETTINGS
    @given(a=two_layer_networks())
    def prop(a: dict[str, np.ndarray]) -> None:
        n = a["y"].size
        mean = _steps(impl, a, reduction=np.array("mean"))
        total = _steps(impl, a, reduction=np.array("sum"), lr=np.array(float(a["lr"]) / n))
        _two_layer_match(float(mean["loss"]) * n, float(total["loss"]), "loss (mean x N)", a)
        for quantity in ("W1 after step", "b1 after step", "W2 after step", "b2 after step"):
            _two_layer_match(mean[quantity], total[quantity], f"{quantity} (mean)", a)

    prop()


def batch_gradient_is_the_sum_of_samples(impl: ModuleType) -> None:
    """Under the sum, a batch's step moves each parameter by the sum of what each sample's
    step alone (from the same weights) moves it by: the batch axis is summed for the
    parameters, and only for them."""

    @SETTINGS
    @given(a=two_layer_networks())
    def prop(a: dict[str, np.ndarray]) -> None:
        a = {**a, "reduction": np.array("sum")}
        batch = _steps(impl, a)
        moved = {q: 0.0 for q in batch if q != "loss"}
        for x, y in zip(a["x"], a["y"], strict=True):
            single = _steps(impl, a, x=x, y=y)
            for q in moved:
                moved[q] = moved[q] + (a[q.split()[0]] - single[q])
        # Each move is read off as W - W', a few ulps of W each: the update equation's table.
        for q, total in moved.items():
            move = a[q.split()[0]] - batch[q]
            _two_layer_match(move, total, f"{q} (batch against its samples)", a, "update equation")

    prop()


TWO_LAYER_PROPERTIES: dict[str, Callable[[ModuleType], None]] = {
    "batch-of-one-is-the-sample": batch_of_one_is_the_sample,
    "mean-is-sum-over-n": mean_is_the_sum_over_n,
    "batch-step-is-sum-of-samples": batch_gradient_is_the_sum_of_samples,
}


# A network's properties, by its kind (reference.records.Network.kind).
BY_NETWORK: dict[str, dict[str, Callable[[ModuleType], None]]] = {
    "tutorial": PROPERTIES,
    "two-layer": TWO_LAYER_PROPERTIES,
}


def _check(check_id: str, needs: tuple[str, ...], prop: Callable[[ModuleType], None]) -> Check:
    """A property runs whole where the implementation runs (hypothesis draws and shrinks
    there); its failure comes back as data: the message, layer and quantity."""

    def drive(impl: ModuleType) -> dict[str, str] | None:
        try:
            prop(impl)
        except CheckFailure as failure:
            return {"message": str(failure), "layer": failure.layer, "quantity": failure.quantity}
        return None

    def judge(failure: dict[str, str] | None) -> None:
        if failure is not None:
            raise CheckFailure(failure["message"], failure["layer"], failure["quantity"])

    return Check(check_id, needs, drive, judge)


def generate(ctx: Context) -> Iterator[Check]:
    for record, network in ctx.networks:
        for name, prop in BY_NETWORK[network.kind].items():
            yield _check(f"property-{name}", record.needs, prop)
