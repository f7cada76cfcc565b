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

from reference.checks.base import Check, Context, dtypes_and_seeds
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


def _assert_step(record: Record, params: Arrays, a: Arrays, dtype: Any, how: str) -> None:
    """The network's weights are torch's after one step from a's (the record's twin)."""
    expected = record.torch_values(a, "cpu")
    where = {"layer": record.name, "inputs": {**a, "calls": how}, "dtype": dtype}
    for name, value in params.items():
        assert_match(value, expected[f"{name} after step"], quantity=f"{name} after step", **where)


def _params(network: Network, net: Any) -> Arrays:
    """The network's weights as they are now (copies: later calls may move them)."""
    return {k: np.array(v, copy=True, subok=True) for k, v in network.params(net).items()}


def _update_alone(
    check_id: str, record: Record, network: Network, dtype: Any, seed: int, before: str
) -> Check:
    """update_weights with no forward_loss before it, or after forward_loss on another sample."""

    def drive(impl: ModuleType) -> Arrays:
        a, other = _samples(record, network, seed, dtype)
        net = network.build(impl, a)
        if before == "other-sample":
            net.forward_loss(other["x"], other["y"])
        net.update_weights(a["x"], a["y"], STATE_LR)
        return _params(network, net)

    def judge(params: Arrays) -> None:
        a, _ = _samples(record, network, seed, dtype)
        how = "update_weights alone" if before == "nothing" else "forward_loss(x2, y2), then "
        how += "update_weights(x, y)" if before != "nothing" else ""
        _assert_step(record, params, a, dtype, how)

    return Check(check_id, record.needs, drive, judge)


def _networks_in_turn(
    check_id: str, record: Record, network: Network, dtype: Any, seed: int
) -> Check:
    """Two networks stepped in turn, then a new one made after them: each as if alone."""

    def drive(impl: ModuleType) -> dict[str, Arrays]:
        a, other = _samples(record, network, seed, dtype)
        first, second = network.build(impl, a), network.build(impl, other)
        for net, sample in ((first, a), (second, other)):
            net.forward_loss(sample["x"], sample["y"])
            net.update_weights(sample["x"], sample["y"], STATE_LR)
        out = {"first": _params(network, first), "second": _params(network, second)}
        third = network.build(impl, a)
        third.update_weights(a["x"], a["y"], STATE_LR)
        return {**out, "third": _params(network, third)}

    def judge(params: dict[str, Arrays]) -> None:
        a, other = _samples(record, network, seed, dtype)
        _assert_step(record, params["first"], a, dtype, "two networks stepped in turn (the first)")
        how = "two networks stepped in turn (the second)"
        _assert_step(record, params["second"], other, dtype, how)
        how = "a network made after two others were trained"
        _assert_step(record, params["third"], a, dtype, how)

    return Check(check_id, record.needs, drive, judge)


def _backward_after_forward(
    check_id: str,
    record: Record,
    after_forward: Callable[[ModuleType, Arrays, Arrays], Arrays],
    dtype: Any,
    seed: int,
) -> Check:
    """A layer's backward on one input after its forward on another (the record's
    ``after_forward``): the partials at the backward's input, as a fresh layer gives them
    (which the partials checks hold to torch)."""

    def samples() -> tuple[Arrays, Arrays]:
        return record.sample(seed, STATE_SHAPE, dtype), record.sample(
            seed + 100, STATE_SHAPE, dtype
        )

    def drive(impl: ModuleType) -> dict[str, Arrays]:
        a, other = samples()
        return {"fresh": record.partials(impl, a, ""), "primed": after_forward(impl, a, other)}

    def judge(values: dict[str, Arrays]) -> None:
        a, _ = samples()
        inputs = {**a, "calls": "forward(other input), then backward(input)"}
        for quantity, value in values["primed"].items():
            assert_match(
                value,
                values["fresh"][quantity],
                layer=record.name,
                quantity=quantity,
                inputs=inputs,
                dtype=dtype,
            )

    return Check(check_id, record.needs, drive, judge)


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


def _inputs_left_alone(
    check_id: str, record: Record, network: Network, dtype: Any, seed: int
) -> Check:
    """No call changes the arrays passed to it, and no returned array is overwritten by the
    next call (a result kept by the caller stays what it was)."""

    def drive(impl: ModuleType) -> dict[str, Any]:
        a, other = _samples(record, network, seed, dtype)
        net = network.build(impl, a)
        # The same layer instances in both rounds: a later call may overwrite what an
        # earlier one returned only through the instance that returned it.
        layers = [(name, layer_of(impl, net), kind) for name, layer_of, kind in network.layers]
        results: list[tuple[str, Any, np.ndarray]] = []

        def keep(name: str, value: Any) -> None:
            results.append((name, value, np.array(value, copy=True)))

        _through_the_layers(net, network, layers, a["x"], a["y"], keep)
        inputs = {name: np.array(a[name], copy=True) for name in ("x", "y")}
        # The next calls, on another sample: nothing returned before may change.
        _through_the_layers(net, network, layers, other["x"], other["y"], lambda *_: None)
        kept = [(name, copy, np.array(value, copy=True)) for name, value, copy in results]
        return {"inputs": inputs, "kept": kept}

    def judge(values: dict[str, Any]) -> None:
        a, _ = _samples(record, network, seed, dtype)
        for name, after in values["inputs"].items():
            if not np.array_equal(after, a[name]):
                raise CheckFailure(
                    f"{record.name} changed its input {name} in place: it was {a[name]}, "
                    f"after the calls it is {after}",
                    record.name,
                    f"input {name}",
                )
        for name, copy, later in values["kept"]:
            if not np.array_equal(later, copy, equal_nan=True):
                raise CheckFailure(
                    f"{name} returned an array that a later call overwrote: it was {copy}, "
                    f"after the next calls it is {later} (return a new array)",
                    name.split(".")[0],
                    "returned array",
                )

    return Check(check_id, record.needs, drive, judge)


def generate(ctx: Context) -> Iterator[Check]:
    for dtype_id, dtype, seed in dtypes_and_seeds(STATE_SEEDS):
        for record in ctx.records:
            if record.after_forward is not None:
                yield _backward_after_forward(
                    f"state-{record.name}-backward-after-forward-{dtype_id}-seed{seed}",
                    record,
                    record.after_forward,
                    dtype,
                    seed,
                )
        for record, network in ctx.networks:
            prefix, suffix = f"state-{network.name_in_ids}", f"{dtype_id}-seed{seed}"
            for before in ("nothing", "other-sample"):
                check_id = f"{prefix}update-after-{before}-{suffix}"
                yield _update_alone(check_id, record, network, dtype, seed, before)
            check_id = f"{prefix}networks-in-turn-{suffix}"
            yield _networks_in_turn(check_id, record, network, dtype, seed)
            check_id = f"{prefix}inputs-left-alone-{suffix}"
            yield _inputs_left_alone(check_id, record, network, dtype, seed)
