"""A network as a whole: its initial weights as the tutorial draws them, and the stored torch
runs (reference.golden) trained epoch by epoch, by each step path it has. A tutorial-network
run that parts from torch's because it follows a named convention passes, named, where the
convention's own run (reference.training.convention_run) is what it follows."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import numpy as np

from reference import golden, oracle, subject
from reference.checks.base import Arrays, Check, Context, Notes
from reference.compare import CheckFailure, assert_match, mismatch
from reference.records import Network, Record
from reference.results import Finding, Grade
from reference.training import Setup, convention_run

# The networks whose runs have a convention's witness: the tutorial's (its loss's conventions).
WITNESSES: dict[str, Callable[..., tuple[list[float], np.ndarray, np.ndarray]]] = {
    "tutorial": convention_run
}


def _initial_weights(
    check_id: str, record: Record, network: Network, shape: tuple[int, ...], seed: int
) -> Check:
    """The network draws W then b of each Linear in turn with np.random.randn under the
    global seed, as float32."""

    def drive(impl: ModuleType) -> dict[str, Any]:
        np.random.seed(seed)
        net = getattr(impl, network.class_name)(*shape)
        params = network.params(net)
        return {
            "values": {k: np.array(v, copy=True, subok=True) for k, v in params.items()},
            "types": {k: f"{type(v).__module__}.{type(v).__qualname__}" for k, v in params.items()},
        }

    def judge(drawn: dict[str, Any]) -> None:
        got: Arrays = drawn["values"]
        for name, kind in drawn["types"].items():
            # The checks that follow give the network plain arrays: only here is its own
            # type seen (np.matrix's * and @ give other shapes than the tutorial's).
            if kind != "numpy.ndarray":
                raise CheckFailure(
                    f"{record.name} initial {name} is a {kind}, not a NumPy array "
                    "(numpy.ndarray), as the tutorial's np.random.randn(...).astype(np.float32)",
                    record.name,
                    f"initial {name}",
                )
        np.random.seed(seed)
        expected = {}
        for suffix, (fan_in, fan_out) in zip(
            network.suffixes(), itertools.pairwise(shape), strict=True
        ):
            expected["W" + suffix] = np.random.randn(fan_out, fan_in).astype(np.float32)
            expected["b" + suffix] = np.random.randn(fan_out).astype(np.float32)
        for name, value in got.items():
            if value.dtype != np.float32 or not np.array_equal(value, expected[name]):
                raise CheckFailure(
                    f"{record.name} initial {name} is not drawn as the tutorial draws (seed "
                    f"{seed}, shape {'x'.join(map(str, shape))}): np.random.randn draws "
                    f"{', '.join(expected)} in turn, as float32\n"
                    f"  expected: {expected[name]!r}\n  got:      {value!r}",
                    record.name,
                    f"initial {name}",
                )

    return Check(check_id, record.needs, drive, judge)


def initial_weights(ctx: Context) -> Iterator[Check]:
    for record, network in ctx.networks:
        for shape, seed in itertools.product(network.initial_shapes, network.initial_seeds):
            check_id = (
                f"initial-weights-{network.name_in_ids}{'x'.join(map(str, shape))}-seed{seed}"
            )
            yield _initial_weights(check_id, record, network, shape, seed)


def _convention_followed(
    witness: Callable[..., tuple[list[float], np.ndarray, np.ndarray]],
    record: Record,
    losses: list[float],
    trained: dict[str, np.ndarray],
    start: dict[str, np.ndarray],
    epochs: int,
    lr: float,
    dtype: Any,
) -> Finding | None:
    """The named convention whose run (from the same start) the implementation's run
    follows, as a note; None for none."""
    where = {"layer": record.name, "inputs": {"lr": lr}, "dtype": dtype}
    for name in (oracle.CLIP_SUM, oracle.EPS_CLIP):
        conv_losses, conv_weight, conv_bias = witness(
            start["W"], start["b"], epochs, lr, dtype, name
        )
        pairs = (
            (np.array(losses, dtype), conv_losses, "trajectory"),
            (trained["W"], conv_weight, "trained weights"),
            (trained["b"], conv_bias, "trained weights"),
        )
        if all(
            mismatch(got, np.asarray(exp, dtype), quantity=q, **where) is None
            for got, exp, q in pairs
        ):
            label = f"the convention '{name}'"
            text = f"trajectory: {label} (its run, not torch's)"
            return Finding(record.name, "trajectory", Grade.CONVENTION, label, name, text=text)
    return None


def _trained(
    impl: ModuleType,
    network: Network,
    setup: Setup,
    seed: int,
    dtype: Any,
    epochs: int,
    lr: float,
    path: str,
) -> dict[str, Any]:
    """The implementation's run, from the setup's initial weights: each epoch's loss (the sum
    of its samples' losses before their updates) and the trained weights."""
    start = setup.initial_params(seed, dtype)
    options = {"activation": np.array(setup.activation), "reduction": np.array(setup.reduction)}
    net = network.build(impl, {**start, **options})
    batches = setup.batches(dtype)
    losses: list[float] = []
    for _ in range(epochs):
        if path == "train_epoch":  # the tutorial's samples, one epoch a call
            xs, ys = np.stack([x for x, _ in batches]), np.stack([y for _, y in batches])
            losses.append(float(np.sum(net.train_epoch(xs, ys, lr), dtype=np.float64)))
            continue
        total = 0.0
        for x, y in batches:
            total += float(subject.step(net, x, y, lr, path)["loss"])
        losses.append(total)
    trained = {k: np.array(v, copy=True, subok=True) for k, v in network.params(net).items()}
    return {"losses": losses, "trained": trained}


def _golden(
    check_id: str, record: Record, network: Network, name: str, expect: str, path: str
) -> Check:
    """A stored torch run, epoch by epoch, from its initial weights, by the step path
    (train_epoch: each epoch's samples in one call)."""
    setup, seed, lr, epochs, dtype = golden.runs(network.kind)[name]

    def drive(impl: ModuleType) -> dict[str, Any]:
        return _trained(impl, network, setup, seed, dtype, epochs, lr, path)

    def judge(run: dict[str, Any]) -> Notes:
        data = golden.load(name)
        losses, trained = run["losses"], run["trained"]
        where = {"layer": record.name, "inputs": data["settings"], "dtype": dtype}
        try:
            # In the run's dtype: what the tolerance is for, and half the size in a report.
            ref = np.array(data["losses"], dtype)
            assert_match(np.array(losses, dtype), ref, quantity="trajectory", **where)
            for key, value in trained.items():
                expected = np.array(data[key], dtype)
                assert_match(value, expected, quantity="trained weights", **where)
        except CheckFailure:
            witness = WITNESSES.get(network.kind) if expect != "torch" else None
            start = setup.initial_params(seed, dtype)
            note = witness and _convention_followed(
                witness, record, losses, trained, start, epochs, lr, dtype
            )
            if not note:
                raise
            return (note,)
        return ()

    return Check(check_id, record.needs, drive, judge)


def stored_runs(ctx: Context) -> Iterator[Check]:
    for record, network in ctx.networks:
        for name, path in itertools.product(golden.runs(network.kind), ctx.paths(record)):
            suffix = "" if path in ("two-calls", "") else f"-{path}"
            yield _golden(f"golden-{name}{suffix}", record, network, name, ctx.expect, path)


# The long run: twice the longest stored run's updates (the tutorial's 2000 epochs of 5
# samples), so that what starts after many updates is seen. torch's eager step is too slow a
# reference for it; scratch.compiled, held to torch by the suite, computes it in compiled
# loops with torch's numerics. BCE_HARNESS_LONG_EPOCHS sets it (the slow tests: ten times).
LONG_EPOCHS = int(os.environ.get("BCE_HARNESS_LONG_EPOCHS", "4000"))
LONG_SEED, LONG_LR = 42, 0.01


def compiled_run(seed: int, lr: float, epochs: int, dtype: Any) -> dict[str, Any]:
    """The reference of a long run: scratch.compiled's epochs, from the tutorial's weights."""
    from scratch import compiled  # numba: loaded only where a long run is judged

    start = Setup().initial_params(seed, dtype)
    net = subject.new_network(compiled, start["W"], start["b"])
    batches = Setup().batches(dtype)
    xs, ys = np.stack([x for x, _ in batches]), np.stack([y for _, y in batches])
    losses = [float(np.sum(net.train_epoch(xs, ys, lr), dtype=np.float64)) for _ in range(epochs)]
    return {"losses": losses, "W": net.linear1.weight.copy(), "b": net.linear1.bias.copy()}


def _long_run(check_id: str, record: Record, network: Network, path: str) -> Check:
    dtype = np.float32

    def drive(impl: ModuleType) -> dict[str, Any]:
        return _trained(impl, network, Setup(), LONG_SEED, dtype, LONG_EPOCHS, LONG_LR, path)

    def judge(run: dict[str, Any]) -> Notes:
        reference = compiled_run(LONG_SEED, LONG_LR, LONG_EPOCHS, dtype)
        settings = {
            "seed": LONG_SEED,
            "lr": LONG_LR,
            "epochs": LONG_EPOCHS,
            "updates": 5 * LONG_EPOCHS,
        }
        where = {"layer": record.name, "inputs": settings, "dtype": dtype}
        losses = np.array(run["losses"], dtype)
        ref = np.array(reference["losses"], dtype)
        assert_match(losses, ref, quantity="trajectory", **where)
        for key, value in run["trained"].items():
            assert_match(value, reference[key], quantity="trained weights", **where)
        return ()

    return Check(check_id, record.needs, drive, judge)


def long_runs(ctx: Context) -> Iterator[Check]:
    """The tutorial's network trained for LONG_EPOCHS, by each step path it has."""
    for record, network in ctx.networks:
        if network.kind != "tutorial":
            continue
        for path in ctx.paths(record):
            suffix = "" if path in ("two-calls", "") else f"-{path}"
            yield _long_run(f"long-run-{5 * LONG_EPOCHS}-updates{suffix}", record, network, path)
