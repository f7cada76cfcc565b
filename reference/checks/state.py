"""State between calls, aliasing, inputs left alone.

The tutorial's classes are stateless: a call's result depends on its arguments and the
weights alone. These checks call in orders the happy sequence never does, so that a result
computed from a previous call's leftovers, an input changed in place, or a returned array
that the next call overwrites, shows: each layer's backward after a forward on another input,
and, for each network, an update with no forward before it or after one on another sample,
networks stepped in turn, and every input and returned array kept and compared after later
calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import numpy as np

from reference.checks.base import Body, Check, Context, dtypes_and_seeds
from reference.compare import CheckFailure, assert_match
from reference.records import Network, Record

Arrays = dict[str, np.ndarray]
STATE_SHAPE, STATE_LR, STATE_SEEDS = (3, 4), 0.1, (0, 1)


def _samples(record: Record, network: Network, seed: int, dtype: Any) -> tuple[Arrays, Arrays]:
    """Two different samples of the network's state shape (the second from another seed),
    at the state checks' learning rate."""
    shape = network.state_shape
    lr = {"lr": np.array(STATE_LR)}
    return (
        {**record.sample(seed, shape, dtype), **lr},
        {**record.sample(seed + 100, shape, dtype), **lr},
    )


def _assert_step(
    record: Record, network: Network, net: Any, a: Arrays, dtype: Any, how: str
) -> None:
    """The network's weights are torch's after one step from a's (the record's twin)."""
    expected = record.torch(a, "cpu")
    where = {"layer": record.name, "inputs": {**a, "calls": how}, "dtype": dtype}
    for name, value in network.params(net).items():
        assert_match(value, expected[f"{name} after step"], quantity=f"{name} after step", **where)


def _update_alone(record: Record, network: Network, dtype: Any, seed: int, before: str) -> Body:
    """update_weights with no forward_loss before it, or after forward_loss on another sample."""

    def body(impl: ModuleType) -> None:
        a, other = _samples(record, network, seed, dtype)
        net = network.build(impl, a)
        if before == "other-sample":
            net.forward_loss(other["x"], other["y"])
        net.update_weights(a["x"], a["y"], STATE_LR)
        how = "update_weights alone" if before == "nothing" else "forward_loss(x2, y2), then "
        how += "update_weights(x, y)" if before != "nothing" else ""
        _assert_step(record, network, net, a, dtype, how)

    return body


def _networks_in_turn(record: Record, network: Network, dtype: Any, seed: int) -> Body:
    """Two networks stepped in turn, then a new one made after them: each as if alone."""

    def body(impl: ModuleType) -> None:
        a, other = _samples(record, network, seed, dtype)
        build = network.build
        first, second = build(impl, a), build(impl, other)
        for net, sample in ((first, a), (second, other)):
            net.forward_loss(sample["x"], sample["y"])
            net.update_weights(sample["x"], sample["y"], STATE_LR)
        _assert_step(record, network, first, a, dtype, "two networks stepped in turn (the first)")
        _assert_step(
            record, network, second, other, dtype, "two networks stepped in turn (the second)"
        )
        third = build(impl, a)
        third.update_weights(a["x"], a["y"], STATE_LR)
        _assert_step(
            record, network, third, a, dtype, "a network made after two others were trained"
        )

    return body


def _backward_after_forward(
    record: Record,
    after_forward: Callable[[ModuleType, Arrays, Arrays], Arrays],
    dtype: Any,
    seed: int,
) -> Body:
    """A layer's backward on one input after its forward on another (the record's
    ``after_forward``): the partials at the backward's input, as a fresh layer gives them
    (which the partials checks hold to torch)."""

    def body(impl: ModuleType) -> None:
        a = record.sample(seed, STATE_SHAPE, dtype)
        other = record.sample(seed + 100, STATE_SHAPE, dtype)
        fresh = record.partials(impl, a, "")
        primed = after_forward(impl, a, other)
        inputs = {**a, "calls": "forward(other input), then backward(input)"}
        for quantity, value in primed.items():
            assert_match(
                value,
                fresh[quantity],
                layer=record.name,
                quantity=quantity,
                inputs=inputs,
                dtype=dtype,
            )

    return body


def _through_the_layers(
    net: Any, network: Network, layers: list[tuple[str, Any, str]], x: Any, y: Any, keep: Any
) -> None:
    """Each layer's forward and backward in turn (each fed a copy of the previous output),
    the loss's forward, then the network's forward_loss and update_weights; ``keep(name,
    value)`` is given every returned array."""
    out = x
    for name, layer, kind in layers:
        if kind == "linear":
            z = layer.forward(out)
            keep(f"{name}.forward", z)
            keep(f"{name}.backward(...).output_wrt_weight", layer.backward(out).output_wrt_weight)
            out = z
        elif kind == "activation":
            h = layer.forward(np.array(out, copy=True))
            keep(f"{name}.forward", h)
            keep(
                f"{name}.backward(...).output_wrt_x",
                layer.backward(np.array(out, copy=True)).output_wrt_x,
            )
            out = h
        else:
            keep(f"{name}.forward", layer.forward(np.array(out, copy=True), y))
    keep(f"{network.class_name}.forward_loss", net.forward_loss(x, y))
    net.update_weights(x, y, STATE_LR)


def _inputs_left_alone(record: Record, network: Network, dtype: Any, seed: int) -> Body:
    """No call changes the arrays passed to it, and no returned array is overwritten by the
    next call (a result kept by the caller stays what it was)."""

    def body(impl: ModuleType) -> None:
        a, other = _samples(record, network, seed, dtype)
        net = network.build(impl, a)
        # The same layer instances in both rounds: a later call may overwrite what an
        # earlier one returned only through the instance that returned it.
        layers = [(name, layer_of(impl, net), kind) for name, layer_of, kind in network.layers]
        kept = {k: v.copy() for k, v in a.items()}
        results: list[tuple[str, Any, np.ndarray]] = []

        def keep(name: str, value: Any) -> None:
            results.append((name, value, np.array(value, copy=True)))

        _through_the_layers(net, network, layers, a["x"], a["y"], keep)
        for name in ("x", "y"):
            if not np.array_equal(a[name], kept[name]):
                raise CheckFailure(
                    f"{record.name} changed its input {name} in place: it was {kept[name]}, "
                    f"after the calls it is {a[name]}",
                    record.name,
                    f"input {name}",
                )
        # The next calls, on another sample: nothing returned before may change.
        _through_the_layers(net, network, layers, other["x"], other["y"], lambda *_: None)
        for name, value, copy in results:
            if not np.array_equal(np.asarray(value), copy, equal_nan=True):
                raise CheckFailure(
                    f"{name} returned an array that a later call overwrote: it was {copy}, "
                    f"after the next calls it is {np.asarray(value)} (return a new array)",
                    name.split(".")[0],
                    "returned array",
                )

    return body


def generate(ctx: Context) -> Iterator[Check]:
    for dtype_id, dtype, seed in dtypes_and_seeds(STATE_SEEDS):
        for record in ctx.records:
            if record.after_forward is not None:
                yield Check(
                    f"state-{record.name}-backward-after-forward-{dtype_id}-seed{seed}",
                    record.needs,
                    _backward_after_forward(record, record.after_forward, dtype, seed),
                )
        for record, network in ctx.networks:
            prefix = f"state-{network.name_in_ids}"
            for before in ("nothing", "other-sample"):
                yield Check(
                    f"{prefix}update-after-{before}-{dtype_id}-seed{seed}",
                    record.needs,
                    _update_alone(record, network, dtype, seed, before),
                )
            yield Check(
                f"{prefix}networks-in-turn-{dtype_id}-seed{seed}",
                record.needs,
                _networks_in_turn(record, network, dtype, seed),
            )
            yield Check(
                f"{prefix}inputs-left-alone-{dtype_id}-seed{seed}",
                record.needs,
                _inputs_left_alone(record, network, dtype, seed),
            )
