"""The records of the grown derivation: the tutorial's layers on mini-batches, Tanh, and the
two-layer network (``scratch.grown`` is its tutorial-style implementation).

They apply where an implementation has the grown API (its class, or ``TwoLayerNetwork`` for
the batch records), so the tutorial's own code is checked exactly as before. Quantity names
beyond the tutorial's (the table in :mod:`reference.records.tutorial`):

============== ============================================ ===================================
name           meaning                                      read from
============== ============================================ ===================================
dz/dx          d(sum z)/dx, each row the column sums of W   Linear.backward(...).output_wrt_x
h              the hidden activation's output               ReLU/Tanh/Sigmoid.forward
dh/dz          its derivative, element by element           .backward(...).output_wrt_x
z1, z2         the first and second Linear's output         linear1/linear2.forward
dL/dh          the gradient at the hidden layer             (dL/dz2) @ linear2's output_wrt_x
dL/dW1 ...     each weight's and bias's gradient            chained by reference.subject
W1 after step  each weight after one SGD step               TwoLayerNetwork.update_weights
============== ============================================ ===================================
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import mpmath
import numpy as np

from reference import oracle, subject, twin
from reference.oracle import MATHEMATICS, TORCH, Exact
from reference.records.record import (
    Arrays,
    ErrorCase,
    FDTarget,
    Network,
    Record,
    Shape,
    labels,
)
from reference.records.tutorial import (
    BCE,
    LINEAR,
    LOSS_CONVENTIONS,
    NETWORK,
    SIGMOID,
    bce_exact,
)

NETWORK_CLASS = "TwoLayerNetwork"
NETWORK_LAYERS = ("linear1", "activation", "linear2", "sigmoid")
REDUCTIONS = ("sum", "mean")
LR = 0.1
# The grown records' grids are wider (batch sizes, activations, reductions): three seeds each.
SEEDS = (0, 1, 2)


def has(name: str) -> Callable[[ModuleType], bool]:
    return lambda impl: hasattr(impl, name)


def _batched(shape: Shape, features: int) -> tuple[int, ...]:
    """(features,) for batch size 0 (one sample), else (batch, features)."""
    return (features,) if shape[0] == 0 else (shape[0], features)


def _option(a: Arrays, name: str) -> str:
    return str(a[name])


# --- elementwise activations --------------------------------------------------------------

ACTIVATION_SHAPES: dict[str, Shape] = {"4": (0, 4), "b3x4": (3, 4)}


def activation_record(
    name: str,
    scale: float,
    edges: tuple[float, ...],
    f: Callable[[Exact], Exact],
    df: Callable[[Exact, str], Exact],
    conventions: tuple[str, ...] = (MATHEMATICS,),
) -> Record:
    """A hidden-layer activation: its output h and the diagonal of dh/dz; ``f`` and ``df``
    (z, convention) its exact values; it applies where the implementation has the class."""

    def exact(a: Arrays, convention: str) -> dict[str, list[Exact]]:
        return {
            "h": oracle.elementwise(f, a["z"]),
            "dh/dz": oracle.elementwise(lambda z: df(z, convention), a["z"]),
        }

    def partials(impl: ModuleType, a: Arrays, path: str) -> Arrays:
        layer = getattr(impl, name)()
        return {
            "h": np.asarray(layer.forward(a["z"])),
            "dh/dz": np.asarray(layer.backward(a["z"]).output_wrt_x),
        }

    def after_forward(impl: ModuleType, a: Arrays, other: Arrays) -> Arrays:
        layer = getattr(impl, name)()
        layer.forward(other["z"])
        return {"dh/dz": np.asarray(layer.backward(a["z"]).output_wrt_x)}

    def sample(seed: int, shape: Shape, dtype: Any) -> Arrays:
        size = shape if len(shape) == 2 and shape[0] else (shape[-1],)
        return {"z": np.random.default_rng(seed).normal(0.0, scale, size).astype(dtype)}

    return Record(
        name=name,
        needs=(name, f"{name}.forward", f"{name}.backward"),
        sample=sample,
        partials=partials,
        torch=lambda a, device: twin.activation_partials(name, a["z"], device),
        exact=exact,
        conventions=conventions,
        mp=(f, df),
        tutorial="scratch.grown",
        after_forward=after_forward,
        edges=tuple({"z": z} for z in edges),
        fd=(
            FDTarget(
                "dh/dz",
                "z",
                f"{name}.backward(...).output_wrt_x",
                lambda impl, a: getattr(impl, name)().forward(a["z"]),
                lambda impl, a, g: g * partials(impl, a, "")["dh/dz"],
            ),
        ),
        shapes=dict(ACTIVATION_SHAPES),
        seeds=SEEDS,
        applies=lambda impl: hasattr(impl, name),
    )


# tanh(z) rounds to 1 from z = 9.01 (float32) and 19.06 (float64): saturated, dh/dz is 0.
TANH = activation_record(
    "Tanh",
    2.0,
    (-1000.0, -20.0, -9.5, 0.0, 9.5, 20.0, 1000.0),
    f=mpmath.tanh,
    df=lambda z, convention: 1 - mpmath.tanh(z) ** 2,
)

# ReLU at exactly 0 (either sign), where the derivative does not exist and torch takes 0,
# and at the smallest float32 subnormal, where it is 1; the derivative 1 at 0 is as valid a
# subgradient, a named convention.
RELU_ONE = "relu'(0) = 1"
RELU = activation_record(
    "ReLU",
    2.0,
    (-1000.0, -1.0, -0.0, 0.0, 1e-45, 1.0, 1000.0),
    f=lambda z: max(z, 0),
    # At 0 the subgradient torch takes (0), or the named convention's 1.
    df=lambda z, convention: mpmath.mpf(1 if z > 0 or (z == 0 and convention == RELU_ONE) else 0),
    conventions=(MATHEMATICS, TORCH, RELU_ONE),
)

# The two-layer network's activations, by the name its constructor takes: this table feeds the
# grid, the CLI's choices, the properties' draws, the torch twin and the exact values.
ACTIVATIONS: dict[str, Record] = {"relu": RELU, "tanh": TANH, "sigmoid": SIGMOID}

# --- the tutorial's layers on mini-batches ------------------------------------------------

# (batch, in_features, out_features); batch 0 is one sample (features,), named "single-"
# so that its ids differ from the tutorial record's 3x4 checks (the same layer and shape).
BATCH_SHAPES: dict[str, Shape] = {
    "single-3x4": (0, 3, 4),
    "b1-3x4": (1, 3, 4),
    "b4-3x4": (4, 3, 4),
    "b5-17x5": (5, 17, 5),
}


def batch_sample(seed: int, shape: Shape, dtype: Any) -> Arrays:
    """W, b as the tutorial draws them (float32, then cast), a batch of x ~ N(0, 1/in), and
    labels per sample and output."""
    rng = np.random.default_rng(seed)
    _, in_features, out_features = shape
    weight = rng.standard_normal((out_features, in_features)).astype(np.float32).astype(dtype)
    bias = rng.standard_normal(out_features).astype(np.float32).astype(dtype)
    x = rng.standard_normal(_batched(shape, in_features)) / np.sqrt(in_features)
    y = labels(rng, int(np.prod(_batched(shape, out_features))), dtype)
    return {
        "W": weight,
        "b": bias,
        "x": x.astype(dtype),
        "y": y.reshape(_batched(shape, out_features)),
    }


def _linear_batch_partials(impl: ModuleType, a: Arrays, path: str) -> Arrays:
    """z, and d(sum z)/dW, d(sum z)/db, d(sum z)/dx chained from the layer's partials with an
    upstream gradient of ones."""
    linear = subject.new_linear(impl, a["W"], a["b"])
    z = np.asarray(linear.forward(a["x"]))
    partials = linear.backward(a["x"])
    ones = np.ones_like(z)
    return {
        "z": z,
        "dz/dW": subject.weight_gradient(ones, partials.output_wrt_weight),
        "dz/db": subject.bias_gradient(ones, partials.output_wrt_bias),
        "dz/dx": ones @ np.asarray(partials.output_wrt_x),
    }


def _linear_forward(impl: ModuleType, a: Arrays) -> Any:
    return subject.new_linear(impl, a["W"], a["b"]).forward(a["x"])


def _linear_vjp(quantity: str) -> Callable[[ModuleType, Arrays, np.ndarray], np.ndarray]:
    def vjp(impl: ModuleType, a: Arrays, g: np.ndarray) -> np.ndarray:
        partials = subject.new_linear(impl, a["W"], a["b"]).backward(a["x"])
        if quantity == "dz/dW":
            return subject.weight_gradient(g, partials.output_wrt_weight)
        if quantity == "dz/db":
            return subject.bias_gradient(g, partials.output_wrt_bias)
        return g @ np.asarray(partials.output_wrt_x)

    return vjp


LINEAR_BATCH = Record(
    name="Linear",
    needs=LINEAR.needs,
    sample=batch_sample,
    partials=_linear_batch_partials,
    torch=lambda a, device: twin.linear_batch_partials(a["W"], a["b"], a["x"], device),
    tutorial="scratch.grown",
    fd=tuple(
        FDTarget(q, wrt, f"Linear.backward(...).{attr}", _linear_forward, _linear_vjp(q))
        for q, wrt, attr in (
            ("dz/dW", "W", "output_wrt_weight"),
            ("dz/db", "b", "output_wrt_bias"),
            ("dz/dx", "x", "output_wrt_x"),
        )
    ),
    errors=(
        ErrorCase(
            "linear-batch-wrong-features",
            lambda impl: impl.Linear(3, 4).forward(np.ones((2, 2), np.float32)),
        ),
    ),
    shapes=dict(BATCH_SHAPES),
    seeds=SEEDS,
    fd_seeds=(0, 1, 2),  # 3 seeds x 4 shapes: the single-sample Linear has 8 already
    applies=has(NETWORK_CLASS),
)

SIGMOID_BATCH = Record(
    name="Sigmoid",
    needs=SIGMOID.needs,
    sample=lambda seed, shape, dtype: {
        "z": np.random.default_rng(seed).normal(0.0, 3.0, shape).astype(dtype)
    },
    partials=SIGMOID.partials,
    torch=SIGMOID.torch,
    exact=SIGMOID.exact,
    tutorial="scratch.grown",
    shapes={"b4x4": (4, 4), "b1x3": (1, 3)},
    seeds=SEEDS,
    applies=has(NETWORK_CLASS),
)


def _bce_batch_sample(seed: int, shape: Shape, dtype: Any) -> Arrays:
    rng = np.random.default_rng(seed)
    yhat = rng.uniform(0.01, 0.99, shape).astype(dtype)
    return {"yhat": yhat, "y": labels(rng, int(np.prod(shape)), dtype).reshape(shape)}


def _bce_batch_partials(impl: ModuleType, a: Arrays, path: str) -> Arrays:
    loss = impl.BinaryCrossEntropyLoss(reduction=_option(a, "reduction"))
    return {
        "loss": np.asarray(loss.forward(a["yhat"], a["y"])),
        "dL/dyhat": np.asarray(subject.bce_backward(loss)(a["yhat"], a["y"]).output_wrt_yhat),
    }


BCE_BATCH = Record(
    name="BinaryCrossEntropyLoss",
    needs=BCE.needs,
    sample=_bce_batch_sample,
    partials=_bce_batch_partials,
    torch=lambda a, device: twin.bce_partials(a["yhat"], a["y"], device, _option(a, "reduction")),
    exact=bce_exact,
    conventions=LOSS_CONVENTIONS,
    tutorial="scratch.grown",
    errors=(
        ErrorCase("loss-reduction-unknown", lambda impl: impl.BinaryCrossEntropyLoss("max")),
        ErrorCase(
            "loss-batch-label-shape",
            lambda impl: impl.BinaryCrossEntropyLoss().forward(
                np.full((4, 1), 0.5, np.float32), np.ones(4, np.float32)
            ),
        ),
    ),
    grid={"reduction": REDUCTIONS},
    shapes={"4": (4,), "b4x2": (4, 2), "b1x3": (1, 3)},
    seeds=SEEDS,
    applies=has(NETWORK_CLASS),
)


def _network_batch_partials(impl: ModuleType, a: Arrays, path: str) -> Arrays:
    net = subject.new_network(impl, a["W"], a["b"])
    out = subject.chained_partials(net, ("linear1", "sigmoid"), a["x"], a["y"])
    net.forward_loss(a["x"], a["y"])
    net.update_weights(a["x"], a["y"], float(a["lr"]))
    return {**out, "W after step": net.linear1.weight, "b after step": net.linear1.bias}


def _sequential_torch(specs: list[twin.LayerSpec], a: Arrays, device: str) -> Arrays:
    """Every partial by autograd, then one SGD step: the weights after it."""
    reduction = _option(a, "reduction") if "reduction" in a else "sum"
    model = twin.SequentialTwin(specs, reduction, float(a["lr"]), device, a["x"].dtype)
    out = model.partials(a["x"], a["y"])
    model.step(a["x"], a["y"])
    params = model.params()  # W1, b1, W2, b2
    # In the order backpropagation reaches them, W2, b2, W1, b1 (a stable sort by layer).
    last_first = sorted(params, key=lambda name: name[1:], reverse=True)
    return {**out, **{f"{k} after step": params[k] for k in last_first}}


NETWORK_BATCH = Record(
    name="MyNetwork",
    needs=NETWORK.needs,
    sample=batch_sample,
    partials=_network_batch_partials,
    torch=lambda a, device: _sequential_torch(
        [("Linear", (a["W"], a["b"])), ("Sigmoid", ())], a, device
    ),
    exact=oracle.network,
    conventions=LOSS_CONVENTIONS,
    tutorial="scratch.grown",
    grid={"lr": (LR,)},
    shapes={k: v for k, v in BATCH_SHAPES.items() if k != "single-3x4"},
    seeds=SEEDS,
    applies=has(NETWORK_CLASS),
)

# --- TwoLayerNetwork ----------------------------------------------------------------------

# (batch, in_features, hidden_features, out_features); batch 0 is one sample.
# The first has a square W2, so that W2 used untransposed is a wrong value, not a shape error.
TWO_LAYER_SHAPES: dict[str, Shape] = {
    "b4-4x3x3": (4, 4, 3, 3),
    "3x5x1": (0, 3, 5, 1),
    "b1-3x5x1": (1, 3, 5, 1),
}


def two_layer_sample(seed: int, shape: Shape, dtype: Any) -> Arrays:
    """Both layers' weights drawn in float32 then cast, a batch of x ~ N(0, 1/in), labels;
    the activation and reduction by seed (the grid overrides them where it has them)."""
    rng = np.random.default_rng(seed)
    _, n_in, n_hidden, n_out = shape
    arrays = {}
    for k, (fan_in, fan_out) in enumerate(((n_in, n_hidden), (n_hidden, n_out)), start=1):
        # W2 scaled by 1/sqrt(hidden) as x is by 1/sqrt(in): z2 ~ N(0, 2), the tutorial's
        # normal range (saturated logits are the edge grid's business).
        scale = 1.0 if k == 1 else 1 / np.sqrt(fan_in)
        weight = rng.standard_normal((fan_out, fan_in)) * scale
        arrays[f"W{k}"] = weight.astype(np.float32).astype(dtype)
        arrays[f"b{k}"] = rng.standard_normal(fan_out).astype(np.float32).astype(dtype)
    x = rng.standard_normal(_batched(shape, n_in)) / np.sqrt(n_in)
    y = labels(rng, int(np.prod(_batched(shape, n_out))), dtype).reshape(_batched(shape, n_out))
    return {
        **arrays,
        "x": x.astype(dtype),
        "y": y,
        "activation": np.array(list(ACTIVATIONS)[seed % len(ACTIVATIONS)]),
        "reduction": np.array(REDUCTIONS[seed % 2]),
        "lr": np.array(LR),
    }


def _two_layer_params(net: Any) -> Arrays:
    """The weights, in the order backpropagation reaches them: W2, b2, W1, b1."""
    return {
        f"{p}{k} after step": getattr(getattr(net, f"linear{k}"), attr)
        for k in (2, 1)
        for p, attr in (("W", "weight"), ("b", "bias"))
    }


def _two_layer_partials(impl: ModuleType, a: Arrays, path: str) -> Arrays:
    net = subject.new_two_layer(impl, a)
    out = subject.chained_partials(net, NETWORK_LAYERS, a["x"], a["y"])
    loss = np.asarray(net.forward_loss(a["x"], a["y"]))
    net.update_weights(a["x"], a["y"], float(a["lr"]))
    if loss.shape == () and loss.dtype.kind == "f":  # a Python float or another scalar type
        loss = loss.astype(a["W1"].dtype)
    return {**out, "loss": loss, **_two_layer_params(net)}


def _two_layer_torch(a: Arrays, device: str) -> Arrays:
    specs: list[twin.LayerSpec] = [
        ("Linear", (a["W1"], a["b1"])),
        (ACTIVATIONS[_option(a, "activation")].name, ()),
        ("Linear", (a["W2"], a["b2"])),
        ("Sigmoid", ()),
    ]
    return _sequential_torch(specs, a, device)


def _two_layer_edge(point: dict[str, float], dtype: Any) -> Arrays:
    """A 1-1-1 ReLU network on a batch of two: W1 = 1, b1 = 0, W2 = z, b2 = 0, x = (1, 0).
    The first sample's logit is z (saturated at |z| >= 20), the second's is 0 with ReLU at
    exactly 0 (where torch's derivative is 0): one batch mixes the two."""
    return {
        "W1": np.ones((1, 1), dtype),
        "b1": np.zeros(1, dtype),
        "W2": np.array([[point["z"]]], dtype),
        "b2": np.zeros(1, dtype),
        "x": np.array([[1.0], [0.0]], dtype),
        "y": np.array([[point["y"]], [1.0]], dtype),
        "activation": np.array("relu"),
        "reduction": np.array("sum"),
        "lr": np.array(LR),
    }


def _attribute(name: str) -> Callable[[ModuleType, Any], Any]:
    return lambda impl, net: getattr(net, name)


def _activation_mp(a: Arrays) -> Any:
    record = ACTIVATIONS[_option(a, "activation")]
    if record.mp is None:
        raise ValueError(f"the activation {record.name} has no exact values (Record.mp)")
    return record.mp


def _two_layer_forward_loss(impl: ModuleType, a: Arrays) -> Any:
    return subject.new_two_layer(impl, a).forward_loss(a["x"], a["y"])


def _two_layer_chained(quantity: str) -> Callable[[ModuleType, Arrays, np.ndarray], np.ndarray]:
    def vjp(impl: ModuleType, a: Arrays, g: np.ndarray) -> np.ndarray:
        net = subject.new_two_layer(impl, a)
        return g * subject.chained_partials(net, NETWORK_LAYERS, a["x"], a["y"])[quantity]

    return vjp


def _two_layer_update(which: str) -> Callable[[ModuleType, Arrays, np.ndarray], np.ndarray]:
    """The gradient update_weights applies, read off one step at lr = 1."""

    def vjp(impl: ModuleType, a: Arrays, g: np.ndarray) -> np.ndarray:
        net = subject.new_two_layer(impl, a)
        net.update_weights(a["x"], a["y"], 1.0)
        return g * (a[which] - _two_layer_params(net)[f"{which} after step"])

    return vjp


def _two_layer_call(
    shape: tuple[int, int, int], x: tuple[int, ...], y: tuple[int, ...], **options: str
) -> Callable[[ModuleType], Any]:
    """forward_loss on ones of the given shapes (x and y), for the bad-input checks."""

    def call(impl: ModuleType) -> Any:
        net = impl.TwoLayerNetwork(*shape, **options)
        return net.forward_loss(np.ones(x, np.float32), np.full(y, 0.5, np.float32))

    return call


TWO_LAYER_NEEDS = (
    NETWORK_CLASS,
    *(f"{NETWORK_CLASS}.{a}" for a in (*NETWORK_LAYERS, "loss", "forward_loss", "update_weights")),
    *LINEAR.needs,
    *SIGMOID.needs,
    *BCE.needs,
)

TWO_LAYER = Record(
    name=NETWORK_CLASS,
    needs=TWO_LAYER_NEEDS,
    sample=two_layer_sample,
    partials=_two_layer_partials,
    torch=_two_layer_torch,
    exact=lambda a, convention: oracle.two_layer(a, convention, _activation_mp(a)),
    conventions=(MATHEMATICS, TORCH),
    tutorial="scratch.grown",
    edges=tuple(
        {"z": z, "y": y} for z in (-1000.0, -100.0, -20.0, 20.0, 100.0, 1000.0) for y in (0.0, 1.0)
    ),
    edge_arrays=_two_layer_edge,
    edge_quantities=("loss", "dL/dW2", "dL/db1", "W1 after step", "b1 after step", "W2 after step"),
    fd=(
        *(
            FDTarget(f"dL/d{p}", p, "the layers' partials, chained", _two_layer_forward_loss, v)
            for p, v in ((p, _two_layer_chained(f"dL/d{p}")) for p in ("W1", "b1", "W2", "b2"))
        ),
        *(
            FDTarget(
                f"{p} update", p, f"{NETWORK_CLASS}.update_weights", _two_layer_forward_loss, v
            )
            for p, v in ((p, _two_layer_update(p)) for p in ("W1", "b1", "W2", "b2"))
        ),
    ),
    errors=(
        ErrorCase("two-layer-batch-wrong-features", _two_layer_call((3, 4, 1), (4, 2), (4, 1))),
        ErrorCase("two-layer-label-shape", _two_layer_call((3, 4, 1), (4, 3), (4,))),
        ErrorCase(
            "two-layer-unknown-activation",
            _two_layer_call((3, 4, 1), (3,), (1,), activation="gelu"),
        ),
        ErrorCase(
            "two-layer-unknown-reduction", _two_layer_call((3, 4, 1), (3,), (1,), reduction="max")
        ),
    ),
    # The table's live view: an activation added to it is in the grid.
    grid={"activation": ACTIVATIONS.keys(), "reduction": REDUCTIONS},
    shapes=dict(TWO_LAYER_SHAPES),
    seeds=SEEDS,
    network=Network(
        kind="two-layer",
        class_name=NETWORK_CLASS,
        build=subject.new_two_layer,
        linears=("linear1", "linear2"),
        layers=tuple(
            (f"{NETWORK_CLASS}.{attribute}", _attribute(attribute), kind)
            for attribute, kind in (
                ("linear1", "linear"),
                ("activation", "activation"),
                ("linear2", "linear"),
                ("sigmoid", "activation"),
                ("loss", "loss"),
            )
        ),
        initial_shapes=((3, 5, 1), (17, 8, 4)),
        initial_seeds=(0, 1),
        state_shape=TWO_LAYER_SHAPES["b4-4x3x3"],
        name_in_ids=f"{NETWORK_CLASS}-",
    ),
    # Seed k draws the k-th activation and alternates the reduction: seeds 0, 1, 2 take each
    # activation once, and both reductions, on each of the three shapes.
    fd_seeds=(0, 1, 2),
    applies=has(NETWORK_CLASS),
)

GROWN: tuple[Record, ...] = (
    RELU,
    TANH,
    LINEAR_BATCH,
    SIGMOID_BATCH,
    BCE_BATCH,
    NETWORK_BATCH,
    TWO_LAYER,
)
