"""What a record is: the one declaration of a layer, read by every kind of check.

A :class:`Record` says, in one place, what the harness needs to check a layer: the contract
(what the implementation must have), the normal-range sample inputs, the edge inputs, how to
read the implementation's partials by name, how torch computes the same names, the exact
values and the named conventions, the finite-difference targets, the inputs that must raise,
and, for a network, what its checks as a whole need (:class:`Network`). The checks
(:mod:`reference.checks`) dispatch through the records, with no layer-name branches.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from reference.oracle import MATHEMATICS, Exact

Arrays = dict[str, np.ndarray]
# (in_features, out_features), as MyNetwork(in_features, out_features); a record of the grown
# derivation (reference.records.grown) may read its own shapes (a batch size, a hidden width).
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
    """An input the tutorial's asserts reject: any implementation must raise one of
    ``raises``, not return (the tutorial's asserts raise AssertionError, scratch's checks
    ValueError: any exception will do unless a record says otherwise)."""

    id: str
    call: Callable[[ModuleType], Any]
    raises: tuple[type[Exception], ...] = (Exception,)


@dataclass(frozen=True)
class NamedInput:
    """An input of its own, beside the sampled ones: its arrays (by dtype) and the quantities
    checked there."""

    id: str
    arrays: Callable[[Any], Arrays]
    quantities: tuple[str, ...]


@dataclass(frozen=True)
class Network:
    """What makes a record a network as a whole: what its state checks, stored runs, initial
    weights and properties need (reference.checks.state, .runs, .properties)."""

    kind: str  # "tutorial" or "two-layer": the stored runs and the properties it is held to
    class_name: str
    # The implementation's network holding the weights (and options) of the inputs a.
    build: Callable[[ModuleType, Arrays], Any]
    linears: tuple[str, ...]  # its Linear attributes, in forward order
    # Its layers in forward order, the loss last: (name in reports, the layer of (impl, net),
    # "linear", "activation" or "loss"); the aliasing checks call each in turn.
    layers: tuple[tuple[str, Callable[[ModuleType, Any], Any], str], ...]
    initial_shapes: tuple[Shape, ...]  # the constructor's sizes, for the initial weights
    initial_seeds: tuple[int, ...]
    state_shape: Shape  # the sample shape of the state checks
    # The network's part of its check ids: "" for the tutorial's, whose ids came first.
    name_in_ids: str = ""

    def suffixes(self) -> list[str]:
        """The parameters' suffixes, W then b of each Linear: "" alone, else "1", "2"."""
        return [""] if len(self.linears) == 1 else [str(k + 1) for k in range(len(self.linears))]

    def params(self, net: Any) -> Arrays:
        """The network's weights, W and b of each Linear in forward order."""
        out = {}
        for suffix, attribute in zip(self.suffixes(), self.linears, strict=True):
            linear = getattr(net, attribute)
            out["W" + suffix], out["b" + suffix] = linear.weight, linear.bias
        return out


@dataclass(frozen=True, eq=False)  # a record is itself: compared and hashed by identity
class Record:
    name: str
    needs: tuple[str, ...]  # "Class" or "Class.attribute"; "a|b" when either will do
    sample: Callable[[int, Shape, Any], Arrays]  # normal-range inputs (seed, shape, dtype)
    partials: Callable[[ModuleType, Arrays, str], Arrays]  # the implementation's, by name
    torch: Callable[[Arrays, str], Arrays]  # the twin's, by autograd (inputs, device)
    # Every quantity's exact value at the inputs under a convention, from the oracle's
    # mpmath primitives (None: no exact values); the conventions that give one of its own.
    exact: Callable[[Arrays, str], dict[str, list[Exact]]] | None = None
    conventions: tuple[str, ...] = (MATHEMATICS,)
    # An activation's function and derivative, exactly (z, convention): the two-layer
    # network's exact values use the activation's.
    mp: tuple[Callable[[Exact], Exact], Callable[[Exact, str], Exact]] | None = None
    # The tutorial-style implementation the register's tutorial values come from.
    tutorial: str = "scratch"
    edges: tuple[dict[str, float], ...] = ()  # edge inputs, each one point of one element
    edge_arrays: Callable[[dict[str, float], Any], Arrays] | None = None
    edge_quantities: tuple[str, ...] | None = None  # None: every quantity
    named_inputs: tuple[NamedInput, ...] = ()
    fd: tuple[FDTarget, ...] = ()
    errors: tuple[ErrorCase, ...] = ()
    # Options of the sample grid beyond seed, shape and dtype (the network's learning rates).
    grid: dict[str, Collection[Any]] = field(default_factory=dict)
    # The ways an implementation computes the partials (the network: each step path it has).
    paths: Callable[[ModuleType], tuple[str, ...]] = lambda impl: ("",)
    # The backward partials at inputs a from an instance whose forward ran at other inputs
    # (impl, a, other): a backward must not differentiate at what its last forward saw.
    after_forward: Callable[[ModuleType, Arrays, Arrays], Arrays] | None = None
    # The sample shapes, by id (the partials and finite-difference checks run over them).
    shapes: dict[str, Shape] = field(default_factory=lambda: dict(SHAPES))
    # The sample seeds of the partials checks.
    seeds: tuple[int, ...] = SEEDS
    # The finite-difference seeds (None: reference.checks.gradients.FD_SEEDS).
    fd_seeds: tuple[int, ...] | None = None
    network: Network | None = None
    # Whether an implementation is checked against this record at all: the grown
    # derivation's records apply where the implementation has the grown API.
    applies: Callable[[ModuleType], bool] = lambda impl: True

    def torch_values(self, a: Arrays, device: str) -> Arrays:
        """The twin's values at inputs ``a`` on ``device``, computed once a process (the
        arrays read-only: a cached reference must not be changed by whoever reads it)."""
        key = (device, tuple((k, v.dtype.str, v.shape, v.tobytes()) for k, v in a.items()))
        kept = _TORCH_VALUES.setdefault(self, {})
        values = kept.get(key)
        if values is None:
            if len(kept) >= 4096:  # a bound on memory, never reached by a check
                kept.clear()
            values = self.torch(a, device)
            for v in values.values():
                if isinstance(v, np.ndarray):
                    v.flags.writeable = False
            kept[key] = values
        return dict(values)

    def arrays_at(self, point: dict[str, float], dtype: Any) -> Arrays:
        if self.edge_arrays is not None:
            return self.edge_arrays(point, dtype)
        return {k: np.array([v], dtype=dtype) for k, v in point.items()}


# torch's values by record and input, kept: in one process the same check judges many
# implementations (a class's run, the test suite), and the twin costs more than the judging.
_TORCH_VALUES: weakref.WeakKeyDictionary[Record, dict[Any, Arrays]] = weakref.WeakKeyDictionary()


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


@dataclass(frozen=True)
class EdgePoint:
    """One edge input: a layer, a dtype and scalar inputs; each quantity is checked."""

    record: Record = field(repr=False)
    dtype: str
    inputs: tuple[tuple[str, float], ...]

    @property
    def layer(self) -> str:
        return self.record.name

    @property
    def id(self) -> str:
        args = ",".join(f"{k}={v:.8g}" for k, v in self.inputs)
        return f"{self.layer}-{self.dtype}-{args}"

    def arrays(self) -> Arrays:
        return self.record.arrays_at(dict(self.inputs), self.dtype)


def edge_points(layers: tuple[Record, ...]) -> list[EdgePoint]:
    """Every edge input of every layer, in float32 and float64."""
    return [
        EdgePoint(layer, dtype, tuple(point.items()))
        for dtype in DTYPES
        for layer in layers
        for point in layer.edges
    ]


def edge_values(
    point: EdgePoint, impl: ModuleType | None, device: str = "cpu", path: str = ""
) -> Arrays:
    """The checked quantities at an edge point, from ``impl`` (or from torch where None)."""
    layer = point.record
    a = point.arrays()
    mine = {k: v.copy() for k, v in a.items()}  # the implementation may change its inputs
    values = layer.torch_values(a, device) if impl is None else layer.partials(impl, mine, path)
    keep = layer.edge_quantities or tuple(values)
    return {q: values[q] for q in keep}
