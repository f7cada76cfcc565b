"""The layer records: one per layer of the tutorial's API, read by every generic check.

A record says, in one place, what the harness needs to check a layer: the contract (what the
implementation must have), the normal-range sample inputs, the edge inputs, how to read the
implementation's partials by name, how torch computes the same names, the finite-difference
targets, and the inputs that must raise. Adding a layer is adding a record (and, for a
layer networks are made of, its entry in :data:`reference.twin.TORCH_LAYERS`); the checks in
:mod:`reference.checks` dispatch through the records, with no layer-name branches. The
grown derivation's records (batches, ReLU, Tanh, the two-layer network) are in
:mod:`reference.grown`.

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
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from reference import subject, twin

Arrays = dict[str, np.ndarray]
# (in_features, out_features), as MyNetwork(in_features, out_features); a record of the grown
# derivation (reference.grown) may read its own shapes (a batch size, a hidden width).
Shape = tuple[int, ...]

SEEDS = (0, 1, 2, 3, 4)
SHAPES: dict[str, Shape] = {"1x1": (1, 1), "3x4": (3, 4), "17x5": (17, 5)}
DTYPES = {"float32": np.dtype(np.float32), "float64": np.dtype(np.float64)}
LEARNING_RATES = (0.001, 0.01, 0.5)
EDGE_LR = 0.1


@dataclass(frozen=True)
class FDTarget:
    """One analytic partial, checked against central differences of ``forward``.

    ``vjp(impl, inputs, g)`` is g^T J for the partial, shaped like ``inputs[wrt]``, built
    from the attribute ``reads`` names (so a failure says which attribute is wrong).
    """

    quantity: str
    wrt: str
    reads: str
    forward: Callable[[ModuleType, Arrays], Any]
    vjp: Callable[[ModuleType, Arrays, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class ErrorCase:
    """An input the tutorial's asserts reject: any implementation must raise, not return."""

    id: str
    call: Callable[[ModuleType], Any]


@dataclass(frozen=True)
class Layer:
    name: str
    needs: tuple[str, ...]  # "Class" or "Class.attribute"; "a|b" when either will do
    sample: Callable[[int, Shape, Any], Arrays]  # normal-range inputs (seed, shape, dtype)
    partials: Callable[[ModuleType, Arrays, str], Arrays]  # the implementation's, by name
    torch: Callable[[Arrays, str], Arrays]  # the twin's, by autograd (inputs, device)
    edges: tuple[dict[str, float], ...] = ()  # edge inputs, each one point of one element
    edge_arrays: Callable[[dict[str, float], Any], Arrays] | None = None
    edge_quantities: tuple[str, ...] | None = None  # None: every quantity
    fd: tuple[FDTarget, ...] = ()
    errors: tuple[ErrorCase, ...] = ()
    # Options of the sample grid beyond seed, shape and dtype (the network's learning rates).
    grid: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # The ways an implementation computes the partials (the network: each step path it has).
    paths: Callable[[ModuleType], tuple[str, ...]] = lambda impl: ("",)
    # The backward partials at inputs a from an instance whose forward ran at other inputs
    # (impl, a, other): a backward must not differentiate at what its last forward saw.
    after_forward: Callable[[ModuleType, Arrays, Arrays], Arrays] | None = None
    # The sample shapes, by id (the partials and finite-difference checks run over them).
    shapes: dict[str, Shape] = field(default_factory=lambda: dict(SHAPES))
    # The sample seeds of the partials checks.
    seeds: tuple[int, ...] = SEEDS
    # The finite-difference seeds (None: reference.gradcheck.FD_SEEDS).
    fd_seeds: tuple[int, ...] | None = None
    # The checks of a network as a whole (training runs, initial weights, properties): (id,
    # body) pairs, given what the runner expects ("tutorial" or "torch").
    whole: Callable[[str], list[tuple[str, Callable[[ModuleType], None]]]] | None = None
    # Whether an implementation is checked against this record at all: the grown
    # derivation's records apply where the implementation has the grown API.
    applies: Callable[[ModuleType], bool] = lambda impl: True

    def arrays_at(self, point: dict[str, float], dtype: Any) -> Arrays:
        if self.edge_arrays is not None:
            return self.edge_arrays(point, dtype)
        return {k: np.array([v], dtype=dtype) for k, v in point.items()}


def labels(rng: np.random.Generator, n: int, dtype: Any) -> np.ndarray:
    """Soft labels in [0, 1], every other one rounded to a hard 0 or 1."""
    y = rng.uniform(0.0, 1.0, n)
    y[::2] = np.round(y[::2])
    return y.astype(dtype)


def network_sample(seed: int, shape: Shape, dtype: Any) -> Arrays:
    """W, b drawn in float32 as the tutorial's Linear does, then cast (float64: after init);
    x scaled by 1/sqrt(in_features) keeps z ~ N(0, 2), away from saturation (saturated
    logits are the edge grid's business)."""
    rng = np.random.default_rng(seed)
    in_features, out_features = shape
    weight = rng.standard_normal((out_features, in_features)).astype(np.float32).astype(dtype)
    bias = rng.standard_normal(out_features).astype(np.float32).astype(dtype)
    x = (rng.standard_normal(in_features) / np.sqrt(in_features)).astype(dtype)
    return {"W": weight, "b": bias, "x": x, "y": labels(rng, out_features, dtype)}


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


def _bce_after_forward(impl: ModuleType, a: Arrays, other: Arrays) -> Arrays:
    loss = impl.BinaryCrossEntropyLoss()
    loss.forward(other["yhat"], other["y"])
    backward = subject.bce_backward(loss)
    return {"dL/dyhat": np.asarray(backward(a["yhat"], a["y"]).output_wrt_yhat)}


BCE = Layer(
    name="BinaryCrossEntropyLoss",
    needs=(
        "BinaryCrossEntropyLoss",
        "BinaryCrossEntropyLoss.forward",
        "BinaryCrossEntropyLoss.backwards|backward",
    ),
    sample=_bce_sample,
    partials=_bce_partials,
    torch=lambda a, device: twin.bce_partials(a["yhat"], a["y"], device),
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


def _sigmoid_after_forward(impl: ModuleType, a: Arrays, other: Arrays) -> Arrays:
    sigmoid = impl.Sigmoid()
    sigmoid.forward(other["z"])
    return {"dyhat/dz": np.asarray(sigmoid.backward(a["z"]).output_wrt_x)}


SIGMOID = Layer(
    name="Sigmoid",
    needs=("Sigmoid", "Sigmoid.forward", "Sigmoid.backward"),
    sample=lambda seed, shape, dtype: {
        "z": np.random.default_rng(seed).normal(0.0, 3.0, shape[1]).astype(dtype)
    },
    partials=_sigmoid_partials,
    torch=lambda a, device: twin.sigmoid_partials(a["z"], device),
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


LINEAR = Layer(
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


NETWORK = Layer(
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
    edges=tuple(
        {"z": z, "y": y} for z in (-1000.0, -100.0, -20.0, 20.0, 100.0, 1000.0) for y in (0.0, 1.0)
    ),
    edge_arrays=_network_edge,
    edge_quantities=("loss", "dL/dW", "W after step"),
    fd=(
        FDTarget("dL/dW", "W", "the layers' partials, chained", _forward_loss, _chained_vjp("W")),
        FDTarget("dL/db", "b", "the layers' partials, chained", _forward_loss, _chained_vjp("b")),
        FDTarget("W update", "W", "MyNetwork.update_weights", _forward_loss, _update_vjp("W")),
        FDTarget("b update", "b", "MyNetwork.update_weights", _forward_loss, _update_vjp("b")),
    ),
    grid={"lr": LEARNING_RATES},
    paths=subject.step_paths,
)

LAYERS: tuple[Layer, ...] = (LINEAR, SIGMOID, BCE, NETWORK)
BY_NAME = {layer.name: layer for layer in LAYERS}


@dataclass(frozen=True)
class EdgePoint:
    """One edge input: a layer, a dtype and scalar inputs; each quantity is checked."""

    layer: str
    dtype: str
    inputs: tuple[tuple[str, float], ...]
    record: Layer | None = field(default=None, compare=False, repr=False)  # None: BY_NAME's

    @property
    def spec(self) -> Layer:
        return self.record or BY_NAME[self.layer]

    @property
    def id(self) -> str:
        args = ",".join(f"{k}={v:.8g}" for k, v in self.inputs)
        return f"{self.layer}-{self.dtype}-{args}"

    def arrays(self) -> Arrays:
        return self.spec.arrays_at(dict(self.inputs), self.dtype)


def edge_points(layers: tuple[Layer, ...] = LAYERS) -> list[EdgePoint]:
    """Every edge input of every layer, in float32 and float64."""
    return [
        EdgePoint(layer.name, dtype, tuple(point.items()), layer)
        for dtype in DTYPES
        for layer in layers
        for point in layer.edges
    ]


def edge_values(
    point: EdgePoint, impl: ModuleType | None, device: str = "cpu", path: str = ""
) -> Arrays:
    """The checked quantities at an edge point, from ``impl`` (or from torch where None)."""
    layer = point.spec
    a = point.arrays()
    mine = {k: v.copy() for k, v in a.items()}  # the implementation may change its inputs
    values = layer.torch(a, device) if impl is None else layer.partials(impl, mine, path)
    keep = layer.edge_quantities or tuple(values)
    return {q: values[q] for q in keep}
