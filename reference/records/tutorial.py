"""The layer records: one per layer of the tutorial's API, read by every generic check.

A record says, in one place, what the harness needs to check a layer: the contract (what the
implementation must have), the normal-range sample inputs, the edge inputs, how to read the
implementation's partials by name, how torch computes the same names, the finite-difference
targets, and the inputs that must raise. Adding a layer is adding a record (and, for a
layer networks are made of, its entry in :data:`reference.twin.TORCH_LAYERS`); the checks in
:mod:`reference.checks` dispatch through the records, with no layer-name branches. The
grown derivation's records (batches, ReLU, Tanh, the two-layer network) are in
:mod:`reference.records.grown`.

Quantity names, the same for both sides:

============ ========================================== ======================================
name         meaning                                    the tutorial's attribute
============ ========================================== ======================================
loss         per-element BCE loss (network: the sum)    BinaryCrossEntropyLoss.forward
dL/dyhat     d(sum loss)/d yhat                         .backwards(...).output_wrt_yhat
yhat         sigmoid(z)                                 Sigmoid.forward
dyhat/dz     d yhat_i / d z_i (the Jacobian's diagonal) Sigmoid.backward(...).output_wrt_x
z            W x + b                                    Linear.forward
dz/dW        d(sum z)/dW, every row equal to x          Linear.backward(...).output_wrt_weight
dz/db        d(sum z)/db, ones                          Linear.backward(...).output_wrt_bias
dL/dz        d(sum loss)/dz through the network         loss_wrt_linear1 in update_weights
dL/dW        d(sum loss)/dW                             loss_wrt_weight in update_weights
dL/db        d(sum loss)/db                             loss_wrt_bias in update_weights
W after step W after one SGD step at rate lr            MyNetwork.update_weights
b after step b after one SGD step at rate lr            MyNetwork.update_weights
============ ========================================== ======================================
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from reference import oracle, subject, twin
from reference.oracle import CLIP_SUM, EPS_CLIP, MATHEMATICS, TORCH, Exact
from reference.records.record import (
    EDGE_LR,
    LEARNING_RATES,
    SEEDS,
    SHAPES,
    Arrays,
    ErrorCase,
    FDTarget,
    NamedInput,
    Network,
    Record,
    Shape,
    labels,
    network_sample,
)

# The loss's conventions: the mathematics, torch's clamp and floor, the tutorial's clip of the
# finished loss, and a Keras-style eps-clip of yhat (reference.oracle).
LOSS_CONVENTIONS = (MATHEMATICS, TORCH, CLIP_SUM, EPS_CLIP)

# --- BinaryCrossEntropyLoss ---------------------------------------------------------------


def _bce_sample(seed: int, shape: Shape, dtype: Any) -> Arrays:
    rng = np.random.default_rng(seed)
    yhat = rng.uniform(0.01, 0.99, shape[1]).astype(dtype)
    return {"yhat": yhat, "y": labels(rng, shape[1], dtype)}


def _bce_partials(impl: ModuleType, a: Arrays, path: str) -> Arrays:
    loss = impl.BinaryCrossEntropyLoss()
    return {
        "loss": np.asarray(loss.forward(a["yhat"], a["y"])),
        "dL/dyhat": np.asarray(subject.bce_backward(loss)(a["yhat"], a["y"]).output_wrt_yhat),
    }


def _loss_on(values: list[float]) -> Callable[[ModuleType], Any]:
    """The loss's forward on yhat = values[:2], y = values[2:], in float32."""
    yhat, y = np.array(values[:2], np.float32), np.array(values[2:], np.float32)
    return lambda impl: impl.BinaryCrossEntropyLoss().forward(yhat, y)


def bce_exact(a: Arrays, convention: str) -> dict[str, list[Exact]]:
    """The per-element loss, and the derivative of its sum (or mean) by yhat."""
    return {
        "loss": oracle.elementwise(lambda p, y: oracle.bce(p, y, convention), a["yhat"], a["y"]),
        "dL/dyhat": oracle.reduced(
            oracle.elementwise(lambda p, y: oracle.bce_grad(p, y, convention), a["yhat"], a["y"]),
            a,
        ),
    }


def _bce_after_forward(impl: ModuleType, a: Arrays, other: Arrays) -> Arrays:
    loss = impl.BinaryCrossEntropyLoss()
    loss.forward(other["yhat"], other["y"])
    backward = subject.bce_backward(loss)
    return {"dL/dyhat": np.asarray(backward(a["yhat"], a["y"]).output_wrt_yhat)}


BCE = Record(
    name="BinaryCrossEntropyLoss",
    needs=(
        "BinaryCrossEntropyLoss",
        "BinaryCrossEntropyLoss.forward",
        "BinaryCrossEntropyLoss.backwards|backward",
    ),
    sample=_bce_sample,
    partials=_bce_partials,
    torch=lambda a, device: twin.bce_partials(a["yhat"], a["y"], device),
    exact=bce_exact,
    conventions=LOSS_CONVENTIONS,
    after_forward=_bce_after_forward,
    # The ±100 clamp: predictions at and near 0 and 1, with hard and soft labels.
    edges=tuple(
        {"yhat": yhat, "y": y}
        for yhat in (0.0, 1e-30, 1e-8, 1 - 1e-7, 1.0)
        for y in (0.0, 1.0, 0.5, 0.3)
    ),
    fd=(
        FDTarget(
            "dL/dyhat",
            "yhat",
            "BinaryCrossEntropyLoss.backwards(...).output_wrt_yhat",
            lambda impl, a: impl.BinaryCrossEntropyLoss().forward(a["yhat"], a["y"]),
            lambda impl, a, g: g * _bce_partials(impl, a, "")["dL/dyhat"],
        ),
    ),
    errors=tuple(
        ErrorCase(
            f"loss-{name}",
            _loss_on(values),
        )
        for name, values in {
            "shape-mismatch": [0.2, 0.7, 1.0],
            "yhat-above-1": [1.5, 0.2, 1.0, 0.0],
            "yhat-below-0": [0.2, -0.5, 1.0, 0.0],
            "y-above-1": [0.2, 0.7, 2.0, 0.0],
            "yhat-nan": [np.nan, 0.7, 1.0, 0.0],
        }.items()
    ),
)

# --- Sigmoid ------------------------------------------------------------------------------


def _sigmoid_partials(impl: ModuleType, a: Arrays, path: str) -> Arrays:
    sigmoid = impl.Sigmoid()
    return {
        "yhat": np.asarray(sigmoid.forward(a["z"])),
        "dyhat/dz": np.asarray(sigmoid.backward(a["z"]).output_wrt_x),
    }


def dsigmoid(z: Exact, convention: str) -> Exact:
    return oracle.sigmoid(z) * (1 - oracle.sigmoid(z))


def _sigmoid_exact(a: Arrays, convention: str) -> dict[str, list[Exact]]:
    return {
        "yhat": oracle.elementwise(oracle.sigmoid, a["z"]),
        "dyhat/dz": oracle.elementwise(lambda z: dsigmoid(z, convention), a["z"]),
    }


def _sigmoid_after_forward(impl: ModuleType, a: Arrays, other: Arrays) -> Arrays:
    sigmoid = impl.Sigmoid()
    sigmoid.forward(other["z"])
    return {"dyhat/dz": np.asarray(sigmoid.backward(a["z"]).output_wrt_x)}


SIGMOID = Record(
    name="Sigmoid",
    needs=("Sigmoid", "Sigmoid.forward", "Sigmoid.backward"),
    sample=lambda seed, shape, dtype: {
        "z": np.random.default_rng(seed).normal(0.0, 3.0, shape[1]).astype(dtype)
    },
    partials=_sigmoid_partials,
    torch=lambda a, device: twin.sigmoid_partials(a["z"], device),
    exact=_sigmoid_exact,
    mp=(oracle.sigmoid, dsigmoid),
    after_forward=_sigmoid_after_forward,
    # Saturated logits: exp(-z) overflows below -88.7 (float32); sigmoid rounds to 1 above 16.6.
    edges=tuple(
        {"z": z} for z in (-1000.0, -100.0, -88.8, -40.0, -20.0, 20.0, 40.0, 100.0, 1000.0)
    ),
    fd=(
        FDTarget(
            "dyhat/dz",
            "z",
            "Sigmoid.backward(...).output_wrt_x",
            lambda impl, a: impl.Sigmoid().forward(a["z"]),
            lambda impl, a, g: g * _sigmoid_partials(impl, a, "")["dyhat/dz"],
        ),
    ),
)

# --- Linear -------------------------------------------------------------------------------


def _linear_partials(impl: ModuleType, a: Arrays, path: str) -> Arrays:
    """z, and d(sum z)/dW and d(sum z)/db built from the layer's partials as the tutorial's
    update_weights uses them: the outer product with an upstream gradient of ones."""
    linear = subject.new_linear(impl, a["W"], a["b"])
    partials = linear.backward(a["x"])
    ones = np.ones_like(a["b"])
    return {
        "z": np.asarray(linear.forward(a["x"])),
        "dz/dW": np.outer(ones, partials.output_wrt_weight),
        "dz/db": ones * partials.output_wrt_bias,
    }


def _linear_forward(impl: ModuleType, a: Arrays) -> Any:
    return subject.new_linear(impl, a["W"], a["b"]).forward(a["x"])


def _linear_backward(impl: ModuleType, a: Arrays) -> Any:
    return subject.new_linear(impl, a["W"], a["b"]).backward(a["x"])


def _linear_after_forward(impl: ModuleType, a: Arrays, other: Arrays) -> Arrays:
    linear = subject.new_linear(impl, a["W"], a["b"])
    linear.forward(other["x"])
    partials = linear.backward(a["x"])
    ones = np.ones_like(a["b"])
    return {
        "dz/dW": np.outer(ones, partials.output_wrt_weight),
        "dz/db": ones * partials.output_wrt_bias,
    }


LINEAR = Record(
    name="Linear",
    needs=("Linear", "Linear.weight", "Linear.bias", "Linear.forward", "Linear.backward"),
    sample=lambda seed, shape, dtype: {
        k: v for k, v in network_sample(seed, shape, dtype).items() if k != "y"
    },
    partials=_linear_partials,
    torch=lambda a, device: twin.linear_partials(a["W"], a["b"], a["x"], device),
    after_forward=_linear_after_forward,
    fd=(
        FDTarget(
            "dz/dW",
            "W",
            "Linear.backward(...).output_wrt_weight",
            _linear_forward,
            lambda impl, a, g: np.outer(g, _linear_backward(impl, a).output_wrt_weight),
        ),
        FDTarget(
            "dz/db",
            "b",
            "Linear.backward(...).output_wrt_bias",
            _linear_forward,
            lambda impl, a, g: g * _linear_backward(impl, a).output_wrt_bias,
        ),
    ),
    errors=(
        ErrorCase(
            "linear-wrong-length", lambda impl: impl.Linear(3, 4).forward(np.ones(2, np.float32))
        ),
    ),
)

# --- MyNetwork ----------------------------------------------------------------------------


def _network_partials(impl: ModuleType, a: Arrays, path: str) -> Arrays:
    """Every partial of one sample, chained from the implementation's layers as the tutorial's
    update_weights chains them; then one step by ``path``: its loss and the new weights."""
    net = subject.new_network(impl, a["W"], a["b"])
    out = subject.network_partials(impl, net, a["x"], a["y"])
    after = subject.step(net, a["x"], a["y"], float(a["lr"]), path)
    # A loss returned as a Python float or a NumPy scalar of another float dtype is accepted
    # when its value is right; the weights' dtype is checked.
    loss = np.asarray(after["loss"])
    if loss.shape == () and loss.dtype.kind == "f":
        loss = loss.astype(a["W"].dtype)
    return {**out, "loss": loss, "W after step": after["W"], "b after step": after["b"]}


def _network_torch(a: Arrays, device: str) -> Arrays:
    twin_net = twin.TorchTwin(a["W"], a["b"], float(a["lr"]), device, a["W"].dtype)
    out = twin_net.partials(a["x"], a["y"])
    twin_net.step(a["x"], a["y"])
    return {**out, "W after step": twin_net.weight, "b after step": twin_net.bias}


def _network_edge(point: dict[str, float], dtype: Any) -> Arrays:
    """The 1x1 network W=[[z]], b=[0] on x=[1]: its logit is z."""
    return {
        "W": np.array([[point["z"]]], dtype),
        "b": np.zeros(1, dtype),
        "x": np.ones(1, dtype),
        "y": np.array([point["y"]], dtype),
        "lr": np.array(EDGE_LR),
    }


def _update_vjp(which: str) -> Callable[[ModuleType, Arrays, np.ndarray], np.ndarray]:
    """The gradient update_weights applies, read off one step at lr = 1: W - W'."""

    def vjp(impl: ModuleType, a: Arrays, g: np.ndarray) -> np.ndarray:
        net = subject.new_network(impl, a["W"], a["b"])
        net.update_weights(a["x"], a["y"], 1.0)
        after = net.linear1.weight if which == "W" else net.linear1.bias
        return g * (a[which] - after)

    return vjp


def _chained_vjp(which: str) -> Callable[[ModuleType, Arrays, np.ndarray], np.ndarray]:
    def vjp(impl: ModuleType, a: Arrays, g: np.ndarray) -> np.ndarray:
        net = subject.new_network(impl, a["W"], a["b"])
        return g * subject.network_partials(impl, net, a["x"], a["y"])[f"dL/d{which}"]

    return vjp


def _forward_loss(impl: ModuleType, a: Arrays) -> Any:
    return subject.new_network(impl, a["W"], a["b"]).forward_loss(a["x"], a["y"])


def _sum_past_the_clamp(dtype: Any) -> Arrays:
    """A sample whose summed loss passes 100 while no element does (25 + 24 + ... + 21 = 115,
    with logits small enough that torch's 1e-12 gradient floor stays out of it): a clamp
    belongs to each element, not to the sum."""
    return {
        "W": np.array([[-25.0], [-24.0], [-23.0], [-22.0], [-21.0]], dtype),
        "b": np.zeros(5, dtype),
        "x": np.ones(1, dtype),
        "y": np.ones(5, dtype),
        "lr": np.array(0.1),
    }


NETWORK = Record(
    name="MyNetwork",
    needs=(
        "MyNetwork",
        "MyNetwork.linear1",
        "MyNetwork.forward_loss",
        "MyNetwork.update_weights",
        *LINEAR.needs,
        *SIGMOID.needs,
        *BCE.needs,
    ),
    sample=lambda seed, shape, dtype: network_sample(seed, shape, dtype),
    partials=_network_partials,
    torch=_network_torch,
    exact=oracle.network,
    conventions=LOSS_CONVENTIONS,
    edges=tuple(
        {"z": z, "y": y} for z in (-1000.0, -100.0, -20.0, 20.0, 100.0, 1000.0) for y in (0.0, 1.0)
    ),
    edge_arrays=_network_edge,
    edge_quantities=("loss", "dL/dW", "W after step"),
    named_inputs=(
        NamedInput("sum-past-the-clamp", _sum_past_the_clamp, ("loss", "dL/dW", "W after step")),
    ),
    fd=(
        FDTarget("dL/dW", "W", "the layers' partials, chained", _forward_loss, _chained_vjp("W")),
        FDTarget("dL/db", "b", "the layers' partials, chained", _forward_loss, _chained_vjp("b")),
        FDTarget("W update", "W", "MyNetwork.update_weights", _forward_loss, _update_vjp("W")),
        FDTarget("b update", "b", "MyNetwork.update_weights", _forward_loss, _update_vjp("b")),
    ),
    grid={"lr": LEARNING_RATES},
    paths=subject.step_paths,
    network=Network(
        kind="tutorial",
        class_name="MyNetwork",
        build=lambda impl, a: subject.new_network(impl, a["W"], a["b"]),
        linears=("linear1",),
        # The tutorial's MyNetwork keeps its Linear only: the checks make its other layers.
        layers=(
            ("Linear", lambda impl, net: net.linear1, "linear"),
            ("Sigmoid", lambda impl, net: impl.Sigmoid(), "activation"),
            ("BinaryCrossEntropyLoss", lambda impl, net: impl.BinaryCrossEntropyLoss(), "loss"),
        ),
        initial_shapes=tuple(SHAPES.values()),
        initial_seeds=SEEDS,
        state_shape=(3, 4),
    ),
)

# The tutorial's records, in the order a derivation is read.
TUTORIAL: tuple[Record, ...] = (LINEAR, SIGMOID, BCE, NETWORK)
