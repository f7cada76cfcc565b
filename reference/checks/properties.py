"""Properties that hold for any correct implementation, over random shapes, weights and labels.

Each property's examples are drawn from its seed (numpy's PCG64, as the generated sequences
are), so that the implementation's process and the harness's draw the same ones: float64
networks in the normal range (|z| <= 10, away from the registered edges), the first example
all zeros, as hypothesis would try first. The
implementation runs on them where it runs (reference.isolation); whether each property holds
is decided on the harness's side, on its own draw and what came back, the first example where
it does not being the failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

import numpy as np

from reference import subject
from reference.checks.base import Check, Context
from reference.compare import CheckFailure, mismatch
from reference.records import ACTIVATIONS, REDUCTIONS

EXAMPLES = 40  # a property's examples, as hypothesis's max_examples had them
F64 = np.dtype(np.float64)


Example = dict[str, np.ndarray]
Draw = Callable[[np.random.Generator, bool], Example]  # a generator; the all-zero example?


def _unit(rng: np.random.Generator, zero: bool, *shape: int) -> np.ndarray:
    """Values in [-1, 1], uniform; all zero for the first example."""
    return np.zeros(shape) if zero else rng.uniform(-1, 1, shape)


def networks(rng: np.random.Generator, zero: bool) -> Example:
    """W in [-2, 2], b in [-2, 2], x in [-1, 1] with at most 4 inputs: |z| <= 10."""
    n_in, n_out = (1, 1) if zero else (int(rng.integers(1, 5)), int(rng.integers(1, 7)))
    return {
        "W": 2 * _unit(rng, zero, n_out, n_in),
        "b": 2 * _unit(rng, zero, n_out),
        "x": _unit(rng, zero, n_in),
        "y": np.abs(_unit(rng, zero, n_out)),
    }


def drawn_examples(draw: Draw, seed: int) -> list[Example]:
    """A property's examples from its seed: the all-zero one (the simplest, as hypothesis
    tries first), then uniform draws; the same in every process."""
    rng = np.random.default_rng([20261202, seed])
    return [draw(rng, k == 0) for k in range(EXAMPLES)]


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


@dataclass(frozen=True)
class Property:
    """A property as two halves, as every check is: ``drive(impl, example)`` makes the
    implementation's calls on one drawn example and returns what they gave, as data;
    ``judge(example, data)`` decides, where the implementation never ran, and raises
    :class:`CheckFailure` when the property does not hold there."""

    examples: Draw
    drive: Callable[[ModuleType, dict[str, np.ndarray]], dict[str, Any]]
    judge: Callable[[dict[str, np.ndarray], dict[str, Any]], None]


def _with_lr(rng: np.random.Generator, zero: bool) -> Example:
    """A network and a rate in [1e-4, 1], log-uniform."""
    lr = 1e-4 if zero else float(10 ** rng.uniform(-4, 0))
    return {**networks(rng, zero), "lr": np.array(lr)}


def _finite_drive(impl: ModuleType, a: dict[str, np.ndarray]) -> dict[str, Any]:
    return {"loss": _per_element(impl, subject.new_network(impl, a["W"], a["b"]), a)}


def _finite_judge(a: dict[str, np.ndarray], got: dict[str, Any]) -> None:
    loss = np.asarray(got["loss"])
    if not (np.all(np.isfinite(loss)) and np.all(loss >= 0)):
        _fail(f"a per-element loss is negative or not finite: {loss}", "loss", a)


def _sum_drive(impl: ModuleType, a: dict[str, np.ndarray]) -> dict[str, Any]:
    net = subject.new_network(impl, a["W"], a["b"])
    total = float(net.forward_loss(a["x"], a["y"]))
    return {"total": total, "elements": _per_element(impl, net, a)}


def _sum_judge(a: dict[str, np.ndarray], got: dict[str, Any]) -> None:
    elements = np.asarray(got["elements"])
    _match(got["total"], elements.sum(), "summed loss", "sum order", a)


def _update_drive(impl: ModuleType, a: dict[str, np.ndarray]) -> dict[str, Any]:
    net = subject.new_network(impl, a["W"], a["b"])
    grads = subject.network_partials(impl, net, a["x"], a["y"])
    net.update_weights(a["x"], a["y"], float(a["lr"]))
    return {**grads, "W": net.linear1.weight, "b": net.linear1.bias}


def _update_judge(a: dict[str, np.ndarray], got: dict[str, Any]) -> None:
    lr = float(a["lr"])
    _match(got["W"], a["W"] - lr * got["dL/dW"], "W after step", "update equation", a)
    _match(got["b"], a["b"] - lr * got["dL/db"], "b after step", "update equation", a)


def _descent_step(grads: dict[str, Any]) -> tuple[float, float]:
    """|grad|^2 and a step small enough for the first order to hold."""
    norm2 = float(np.sum(np.asarray(grads["dL/dW"]) ** 2) + np.sum(np.asarray(grads["dL/db"]) ** 2))
    return norm2, 1e-3 / max(1.0, norm2)


def _descent_drive(impl: ModuleType, a: dict[str, np.ndarray]) -> dict[str, Any]:
    net = subject.new_network(impl, a["W"], a["b"])
    before = float(net.forward_loss(a["x"], a["y"]))
    grads = subject.network_partials(impl, net, a["x"], a["y"])
    _, step = _descent_step(grads)
    net.linear1.weight = a["W"] - step * grads["dL/dW"]
    net.linear1.bias = a["b"] - step * grads["dL/db"]
    after = float(net.forward_loss(a["x"], a["y"]))
    return {"before": before, "after": after, **grads}


def _descent_judge(a: dict[str, np.ndarray], got: dict[str, Any]) -> None:
    norm2, step = _descent_step(got)
    if norm2 <= 1e-6:  # a step on a flat point changes nothing measurable
        return
    before, after = got["before"], got["after"]
    # First order: the loss falls by about step * |grad|^2; half of that must show.
    if not after < before - 0.5 * step * norm2:
        _fail(
            f"a step of {step:.3g} along the negative gradient moved the loss from "
            f"{before!r} to {after!r}; it should fall by about {step * norm2:.3g}",
            "dL/dW",
            a,
        )


def _soft_labels(rng: np.random.Generator, zero: bool) -> Example:
    """Predictions and labels in [0.001, 0.999], five each (the first at the ends)."""
    if zero:
        return {"yhat": np.full(5, 0.001), "y": np.full(5, 0.999)}
    return {"yhat": rng.uniform(0.001, 0.999, 5), "y": rng.uniform(0.001, 0.999, 5)}


def _least_drive(impl: ModuleType, a: dict[str, np.ndarray]) -> dict[str, Any]:
    loss = impl.BinaryCrossEntropyLoss()
    return {
        "at yhat": np.asarray(loss.forward(a["yhat"], a["y"])),
        "at y": np.asarray(loss.forward(a["y"], a["y"])),
    }


def _least_judge(a: dict[str, np.ndarray], got: dict[str, Any]) -> None:
    """Gibbs' inequality: per element, BCE(yhat, y) >= BCE(y, y), soft labels included."""
    at_yhat, at_y = np.asarray(got["at yhat"]), np.asarray(got["at y"])
    if not np.all(at_yhat >= at_y - 1e-12):
        _fail(f"BCE(yhat, y) = {at_yhat} is below BCE(y, y) = {at_y}", "loss", a)


PROPERTIES: dict[str, Property] = {
    "loss-finite-non-negative": Property(networks, _finite_drive, _finite_judge),
    "summed-loss-is-sum": Property(networks, _sum_drive, _sum_judge),
    "update-is-w-minus-lr-grad": Property(_with_lr, _update_drive, _update_judge),
    "loss-falls-along-gradient": Property(networks, _descent_drive, _descent_judge),
    "loss-least-at-label": Property(_soft_labels, _least_drive, _least_judge),
}


# --- the two-layer network (reference.records.grown) ----------------------------------------


def two_layer_networks(rng: np.random.Generator, zero: bool) -> Example:
    """A float64 two-layer network in the normal range, a batch of 1 to 5 samples, and one
    of its activations and reductions."""
    if zero:
        n_in = n_hidden = n_out = batch = 1
    else:
        n_in, n_hidden, n_out = (int(rng.integers(1, k)) for k in (5, 6, 4))
        batch = int(rng.integers(1, 6))
    activations = tuple(ACTIVATIONS)
    return {
        "W1": 2 * _unit(rng, zero, n_hidden, n_in),
        "b1": _unit(rng, zero, n_hidden),
        "W2": 2 * _unit(rng, zero, n_out, n_hidden),
        "b2": _unit(rng, zero, n_out),
        "x": _unit(rng, zero, batch, n_in),
        "y": np.abs(_unit(rng, zero, batch, n_out)),
        "activation": np.array(activations[int(rng.integers(len(activations)))]),
        "reduction": np.array(REDUCTIONS[int(rng.integers(len(REDUCTIONS)))]),
        "lr": np.array(0.1),
    }


# The two-layer properties' spelling of _match (their judges call this name).
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


def _batch_of_one_drive(impl: ModuleType, a: dict[str, np.ndarray]) -> dict[str, Any]:
    one = {"x": a["x"][:1], "y": a["y"][:1]}
    return {
        "batched": _steps(impl, a, **one),
        "single": _steps(impl, a, x=one["x"][0], y=one["y"][0]),
    }


def _batch_of_one_judge(a: dict[str, np.ndarray], got: dict[str, Any]) -> None:
    """A batch of one sample, (1, features), gives the per-sample call's loss and step."""
    for quantity, value in got["single"].items():
        _two_layer_match(got["batched"][quantity], value, f"{quantity} (batch of one)", a)


def _mean_drive(impl: ModuleType, a: dict[str, np.ndarray]) -> dict[str, Any]:
    n = a["y"].size
    return {
        "mean": _steps(impl, a, reduction=np.array("mean")),
        "sum": _steps(impl, a, reduction=np.array("sum"), lr=np.array(float(a["lr"]) / n)),
    }


def _mean_judge(a: dict[str, np.ndarray], got: dict[str, Any]) -> None:
    """With reduction "mean" the loss is the sum's over N (batch x outputs), and a step at
    lr is the sum's step at lr / N."""
    n, mean, total = a["y"].size, got["mean"], got["sum"]
    _two_layer_match(float(mean["loss"]) * n, float(total["loss"]), "loss (mean x N)", a)
    for quantity in ("W1 after step", "b1 after step", "W2 after step", "b2 after step"):
        _two_layer_match(mean[quantity], total[quantity], f"{quantity} (mean)", a)


def _batch_sum_drive(impl: ModuleType, a: dict[str, np.ndarray]) -> dict[str, Any]:
    a = {**a, "reduction": np.array("sum")}
    singles = [_steps(impl, a, x=x, y=y) for x, y in zip(a["x"], a["y"], strict=True)]
    return {"batch": _steps(impl, a), "singles": singles}


def _batch_sum_judge(a: dict[str, np.ndarray], got: dict[str, Any]) -> None:
    """Under the sum, a batch's step moves each parameter by the sum of what each sample's
    step alone (from the same weights) moves it by: the batch axis is summed for the
    parameters, and only for them."""
    a = {**a, "reduction": np.array("sum")}
    batch = got["batch"]
    moved = {q: 0.0 for q in batch if q != "loss"}
    for single in got["singles"]:
        for q in moved:
            moved[q] = moved[q] + (a[q.split()[0]] - np.asarray(single[q]))
    # Each move is read off as W - W', a few ulps of W each: the update equation's table.
    for q, total in moved.items():
        move = a[q.split()[0]] - np.asarray(batch[q])
        _two_layer_match(move, total, f"{q} (batch against its samples)", a, "update equation")


TWO_LAYER_PROPERTIES: dict[str, Property] = {
    "batch-of-one-is-the-sample": Property(
        two_layer_networks, _batch_of_one_drive, _batch_of_one_judge
    ),
    "mean-is-sum-over-n": Property(two_layer_networks, _mean_drive, _mean_judge),
    "batch-step-is-sum-of-samples": Property(
        two_layer_networks, _batch_sum_drive, _batch_sum_judge
    ),
}


# A network's properties, by its kind (reference.records.Network.kind).
BY_NETWORK: dict[str, dict[str, Property]] = {
    "tutorial": PROPERTIES,
    "two-layer": TWO_LAYER_PROPERTIES,
}
# Each property's seed: its place in the list (a new property takes the next).
_SEEDS = {name: k for k, name in enumerate([*PROPERTIES, *TWO_LAYER_PROPERTIES])}


@cache
def _examples(name: str, prop: Property) -> tuple[Example, ...]:
    """The property's examples, drawn once a process and read-only: what judges them can
    never change them for the next implementation."""
    examples = drawn_examples(prop.examples, _SEEDS[name])
    for example in examples:
        for value in example.values():
            value.setflags(write=False)
    return tuple(examples)


def _driven(name: str, prop: Property, impl: ModuleType) -> list[dict[str, Any]]:
    """What the implementation gave on each of the property's examples, in order (each
    given copies: an implementation that changes its arguments changes no later example)."""
    return [
        prop.drive(impl, {k: np.array(v, copy=True) for k, v in example.items()})
        for example in _examples(name, prop)
    ]


def decided(name: str, prop: Property, got: list[dict[str, Any]]) -> None:
    """The property judged on this side's own draw of the examples, each with what the
    implementation gave on it; the first where it does not hold fails the check. A reply
    for fewer examples (or more) is not a pass."""
    examples = _examples(name, prop)
    if len(got) != len(examples):
        raise CheckFailure(
            f"property {name}: the implementation's process sent back {len(got)} results "
            f"for the {len(examples)} examples drawn",
            "",
            "examples",
        )
    for example, values in zip(examples, got, strict=True):
        prop.judge(example, values)


def _check(check_id: str, needs: tuple[str, ...], name: str, prop: Property) -> Check:
    """A property's examples are run where the implementation runs; whether it holds is
    decided here, on this side's own draw and what came back."""
    return Check(
        check_id,
        needs,
        lambda impl: _driven(name, prop, impl),
        lambda got: decided(name, prop, got),
    )


def generate(ctx: Context) -> Iterator[Check]:
    for record, network in ctx.networks:
        for name, prop in BY_NETWORK[network.kind].items():
            yield _check(f"property-{name}", record.needs, name, prop)
