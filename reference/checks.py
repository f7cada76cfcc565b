"""The checks, as a library: plain functions over the layer records and an implementation.

One generator, :func:`all_checks`, yields every check for an implementation; each is a
callable ``check(impl)`` with a readable ``id``. It returns on agreement, raises
:class:`CheckFailure` (an ``AssertionError``) with the evidence when a value is wrong,
:class:`ContractBreach` when the implementation lacks what the check calls, and
:class:`KnownDivergence` when the value is a registered divergence of the tutorial that the
runner expects (``expect="tutorial"``). Three ways in use them:

- ``python -m reference check SPEC ...`` (:func:`run_checks` per implementation);
- ``@parametrize_with_checks(["my_net.py"])`` on ``def test_mine(impl, check): check(impl)``
  in a user's own test suite;
- ``pytest --impl SPEC``, through the plugin :mod:`reference.pytest_plugin`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from reference import golden, oracle, subject
from reference.compare import CheckFailure, assert_match, mismatch
from reference.edges import EXPECTATIONS, judge_edge
from reference.gradcheck import FD_SEEDS, fd_error
from reference.grown import ALL_LAYERS
from reference.layers import (
    DTYPES,
    NETWORK,
    SEEDS,
    SHAPES,
    Arrays,
    EdgePoint,
    Layer,
    edge_points,
)
from reference.results import Finding, Grade, Result, Status
from reference.training import convention_run
from reference.verdicts import judge

Notes = tuple[Finding, ...]  # what a passing check found other than torch's values

__all__ = [
    "Check",
    "CheckFailure",
    "ContractBreach",
    "KnownDivergence",
    "Result",
    "all_checks",
    "parametrize_with_checks",
    "read_xfails",
    "run_checks",
]


class ContractBreach(CheckFailure):
    """The check cannot run: the implementation lacks part of the API the check calls."""

    def __init__(self, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing


class KnownDivergence(Exception):
    """The value is the tutorial's registered divergence, and the runner expects the tutorial."""

    def __init__(self, message: str, findings: Notes = ()) -> None:
        super().__init__(message)
        self.findings = findings


@lru_cache(maxsize=256)
def _missing(impl: ModuleType, needs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(subject.missing(impl, needs))


@dataclass(frozen=True)
class Check:
    """One check: ``check(impl)`` runs it against an implementation."""

    id: str
    needs: tuple[str, ...]
    body: Callable[[ModuleType], Notes | None] = field(repr=False, compare=False)

    def __call__(self, impl: ModuleType) -> Notes:
        """() when the implementation agrees with torch; the findings when it passes otherwise
        (closer to the mathematics than torch, or a named convention)."""
        lacks = _missing(impl, self.needs)
        if lacks:
            raise ContractBreach(
                f"{self.id} cannot run: the implementation lacks {', '.join(lacks)}",
                missing=lacks,
            )
        np.random.seed(0)  # every check starts from the same global state
        try:
            return self.body(impl) or ()
        except (CheckFailure, KnownDivergence):
            raise
        except Exception as exc:
            # Valid input, so an exception is the implementation's failure, and named.
            raise CheckFailure(
                f"{self.id}: the implementation raised {type(exc).__name__}: {exc} "
                "(on valid input; the check's id names the input)",
                quantity=f"raised {type(exc).__name__}",
            ) from exc


# --- the checks ---------------------------------------------------------------------------


def _graded(layer: str, a: Arrays, expected: Arrays, got: Arrays, dtype: Any, expect: str) -> Notes:
    """Each quantity graded (reference.verdicts); the first wrong one fails the check."""
    notes = []
    for quantity, value in expected.items():
        verdict = judge(layer, a, quantity, got[quantity], value, dtype, expect)
        if verdict.grade == Grade.WRONG:
            raise CheckFailure.of(verdict)
        if verdict.grade != Grade.MATCHES_TORCH:
            notes.append(verdict)
    return tuple(notes)


def _partials(
    layer: Layer,
    seed: int,
    shape: tuple[int, int],
    dtype: Any,
    options: dict[str, Any],
    path: str,
    device: str,
    expect: str,
) -> Callable[[ModuleType], Notes | None]:
    def body(impl: ModuleType) -> Notes:
        a = layer.sample(seed, shape, dtype)
        a.update({k: np.array(v) for k, v in options.items()})
        expected = layer.torch(a, device)
        # A copy: an implementation that changes its inputs is named by the state checks.
        got = layer.partials(impl, {k: v.copy() for k, v in a.items()}, path)
        return _graded(layer.name, a, expected, got, dtype, expect)

    return body


def _edge(
    point: EdgePoint, path: str, device: str, expect: str
) -> Callable[[ModuleType], Notes | None]:
    def body(impl: ModuleType) -> Notes:
        verdict = judge_edge(point, impl, device, path, expect)
        if verdict.failures:
            raise CheckFailure.of(*verdict.failures)
        if verdict.known:
            text = "known divergence " + "; ".join(f.text for f in verdict.known)
            raise KnownDivergence(text, tuple(verdict.known))
        return tuple(verdict.notes)

    return body


def _fd(
    layer: Layer, target: Any, seed: int, shape: tuple[int, ...]
) -> Callable[[ModuleType], Notes | None]:
    def body(impl: ModuleType) -> None:
        error = fd_error(layer, target, impl, seed, shape)
        if error is not None:
            raise CheckFailure(error, layer.name, target.quantity)

    return body


def _raises(layer: Layer, case: Any) -> Callable[[ModuleType], Notes | None]:
    def body(impl: ModuleType) -> None:
        try:
            with np.errstate(all="ignore"):
                value = case.call(impl)
        except Exception:
            return
        raise CheckFailure(
            f"{layer.name} returned {value!r} on bad input ({case.id}), where the tutorial's "
            "asserts reject it: raise an error instead",
            layer.name,
            "error",
        )

    return body


def _convention_followed(
    losses: list[float],
    weights: tuple[np.ndarray, ...],
    start: tuple[np.ndarray, np.ndarray],
    epochs: int,
    lr: float,
    dtype: Any,
    expect: str,
) -> Finding | None:
    """The named convention whose run (reference.training.convention_run, from the same
    start) the implementation's run follows, as a note; None for none (or expect torch)."""
    if expect == "torch":
        return None
    where = {"layer": "MyNetwork", "inputs": {"lr": lr}, "dtype": dtype}
    for name in (oracle.CLIP_SUM, oracle.EPS_CLIP):
        conv_losses, conv_weight, conv_bias = convention_run(*start, epochs, lr, dtype, name)
        pairs = (
            (np.array(losses, dtype), conv_losses, "trajectory"),
            (weights[0], conv_weight, "trained weights"),
            (weights[1], conv_bias, "trained weights"),
        )
        if all(
            mismatch(got, np.asarray(exp, dtype), quantity=q, **where) is None
            for got, exp, q in pairs
        ):
            label = f"the convention '{name}'"
            text = f"trajectory: {label} (its run, not torch's)"
            return Finding("MyNetwork", "trajectory", Grade.CONVENTION, label, name, text=text)
    return None


def _golden(name: str, expect: str, path: str) -> Callable[[ModuleType], Notes | None]:
    """A stored torch run, epoch by epoch, by the step path (train_epoch: each epoch's samples
    in one call)."""

    def body(impl: ModuleType) -> Notes:
        data = golden.load(name)
        seed, lr, epochs, dtype = golden.GOLDEN_RUNS[name]
        weight, bias = golden.initial_weights(seed, dtype)
        net = subject.new_network(impl, weight, bias)
        losses: list[float] = []
        data_set = golden.samples(dtype)
        xs, ys = np.stack([x for x, _ in data_set]), np.stack([y for _, y in data_set])
        for _ in range(epochs):
            if path == "train_epoch":
                losses.append(float(np.sum(net.train_epoch(xs, ys, lr), dtype=np.float64)))
                continue
            total = 0.0
            for x, y in data_set:
                total += float(subject.step(net, x, y, lr, path)["loss"])
            losses.append(total)
        where = {"layer": "MyNetwork", "inputs": data["settings"], "dtype": dtype}
        trained = (net.linear1.weight, net.linear1.bias)
        try:
            assert_match(np.array(losses), np.array(data["losses"]), quantity="trajectory", **where)
            for got, key in zip(trained, ("W", "b"), strict=True):
                assert_match(got, np.array(data[key], dtype), quantity="trained weights", **where)
        except CheckFailure:
            note = _convention_followed(losses, trained, (weight, bias), epochs, lr, dtype, expect)
            if note is None:
                raise
            return (note,)
        return ()

    return body


def _initial_weights(shape: tuple[int, ...], seed: int) -> Callable[[ModuleType], Notes | None]:
    """MyNetwork draws W then b with np.random.randn under the global seed, in float32."""

    def body(impl: ModuleType) -> None:
        in_features, out_features = shape[0], shape[1]
        np.random.seed(seed)
        net = impl.MyNetwork(in_features, out_features)
        np.random.seed(seed)
        expected = {
            "W": np.random.randn(out_features, in_features).astype(np.float32),
            "b": np.random.randn(out_features).astype(np.float32),
        }
        got = {"W": net.linear1.weight, "b": net.linear1.bias}
        for name in ("W", "b"):
            value = np.asarray(got[name])
            if value.dtype != np.float32 or not np.array_equal(value, expected[name]):
                raise CheckFailure(
                    f"MyNetwork initial {name} is not the tutorial's (seed {seed}, shape "
                    f"{in_features}x{out_features}): np.random.randn draws W then b, as float32\n"
                    f"  expected: {expected[name]!r}\n  got:      {value!r}",
                    "MyNetwork",
                    f"initial {name}",
                )

    return body


# --- state between calls, aliasing, inputs left alone ---------------------------------------
# The tutorial's classes are stateless: a call's result depends on its arguments and the
# weights alone. These checks call in orders the happy sequence never does, so that a result
# computed from a previous call's leftovers, an input changed in place, or a returned array
# that the next call overwrites, shows.

STATE_SHAPE, STATE_LR = (3, 4), 0.1


def _samples(seed: int, dtype: Any) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Two different samples of the same shape (the second from another seed)."""
    return NETWORK.sample(seed, STATE_SHAPE, dtype), NETWORK.sample(seed + 100, STATE_SHAPE, dtype)


def _twin_step(a: dict[str, np.ndarray], dtype: Any) -> Any:
    from reference.twin import TorchTwin

    twin = TorchTwin(a["W"], a["b"], STATE_LR, "cpu", dtype)
    twin.step(a["x"], a["y"])
    return twin


def _assert_step(net: Any, a: dict[str, np.ndarray], dtype: Any, how: str) -> None:
    twin = _twin_step(a, dtype)
    where = {"layer": "MyNetwork", "inputs": {**a, "lr": STATE_LR, "calls": how}, "dtype": dtype}
    assert_match(net.linear1.weight, twin.weight, quantity="W after step", **where)
    assert_match(net.linear1.bias, twin.bias, quantity="b after step", **where)


def _update_alone(dtype: Any, seed: int, before: str) -> Callable[[ModuleType], Notes | None]:
    """update_weights with no forward_loss before it, or after forward_loss on another sample."""

    def body(impl: ModuleType) -> None:
        a, other = _samples(seed, dtype)
        net = subject.new_network(impl, a["W"], a["b"])
        if before == "other-sample":
            net.forward_loss(other["x"], other["y"])
        net.update_weights(a["x"], a["y"], STATE_LR)
        how = "update_weights alone" if before == "nothing" else "forward_loss(x2, y2), then "
        _assert_step(net, a, dtype, how + ("update_weights(x, y)" if before != "nothing" else ""))

    return body


def _networks_in_turn(dtype: Any, seed: int) -> Callable[[ModuleType], Notes | None]:
    """Two networks stepped in turn, then a new one made after them: each as if alone."""

    def body(impl: ModuleType) -> None:
        a, other = _samples(seed, dtype)
        first = subject.new_network(impl, a["W"], a["b"])
        second = subject.new_network(impl, other["W"], other["b"])
        for net, sample in ((first, a), (second, other)):
            net.forward_loss(sample["x"], sample["y"])
            net.update_weights(sample["x"], sample["y"], STATE_LR)
        _assert_step(first, a, dtype, "two networks stepped in turn (the first)")
        _assert_step(second, other, dtype, "two networks stepped in turn (the second)")
        third = subject.new_network(impl, a["W"], a["b"])
        third.update_weights(a["x"], a["y"], STATE_LR)
        _assert_step(third, a, dtype, "a network made after two others were trained")

    return body


def _backward_after_forward(
    layer: Layer,
    after_forward: Callable[[ModuleType, Arrays, Arrays], Arrays],
    dtype: Any,
    seed: int,
) -> Callable[[ModuleType], Notes | None]:
    """A layer's backward on one input after its forward on another (the record's
    ``after_forward``): the partials at the backward's input, as a fresh layer gives them
    (which the partials checks hold to torch)."""

    def body(impl: ModuleType) -> None:
        a = layer.sample(seed, STATE_SHAPE, dtype)
        other = layer.sample(seed + 100, STATE_SHAPE, dtype)
        fresh = layer.partials(impl, a, "")
        primed = after_forward(impl, a, other)
        inputs = {**a, "calls": "forward(other input), then backward(input)"}
        for quantity, value in primed.items():
            assert_match(
                value,
                fresh[quantity],
                layer=layer.name,
                quantity=quantity,
                inputs=inputs,
                dtype=dtype,
            )

    return body


def _inputs_left_alone(dtype: Any, seed: int) -> Callable[[ModuleType], Notes | None]:
    """No call changes the arrays passed to it, and no returned array is overwritten by the
    next call (a result kept by the caller stays what it was)."""

    def body(impl: ModuleType) -> None:
        a, other = _samples(seed, dtype)
        net = subject.new_network(impl, a["W"], a["b"])
        kept = {k: v.copy() for k, v in a.items()}
        results: list[tuple[str, Any, np.ndarray]] = []

        def keep(name: str, value: Any) -> None:
            results.append((name, value, np.array(value, copy=True)))

        z = net.linear1.forward(a["x"])
        keep("Linear.forward", z)
        keep(
            "Linear.backward(...).output_wrt_weight", net.linear1.backward(a["x"]).output_wrt_weight
        )
        sigmoid, loss = impl.Sigmoid(), impl.BinaryCrossEntropyLoss()
        yhat = sigmoid.forward(np.array(z, copy=True))
        keep("Sigmoid.forward", yhat)
        keep(
            "Sigmoid.backward(...).output_wrt_x",
            sigmoid.backward(np.array(z, copy=True)).output_wrt_x,
        )
        keep("BinaryCrossEntropyLoss.forward", loss.forward(np.array(yhat, copy=True), a["y"]))
        keep("MyNetwork.forward_loss", net.forward_loss(a["x"], a["y"]))
        net.update_weights(a["x"], a["y"], STATE_LR)
        for name in ("x", "y"):
            if not np.array_equal(a[name], kept[name]):
                raise CheckFailure(
                    f"MyNetwork changed its input {name} in place: it was {kept[name]}, "
                    f"after the calls it is {a[name]}",
                    "MyNetwork",
                    f"input {name}",
                )
        # The next calls, on another sample: nothing returned before may change.
        z2 = net.linear1.forward(other["x"])
        net.linear1.backward(other["x"])
        yhat2 = sigmoid.forward(np.array(z2, copy=True))
        sigmoid.backward(np.array(z2, copy=True))
        loss.forward(np.array(yhat2, copy=True), other["y"])
        net.forward_loss(other["x"], other["y"])
        net.update_weights(other["x"], other["y"], STATE_LR)
        for name, value, copy in results:
            if not np.array_equal(np.asarray(value), copy, equal_nan=True):
                raise CheckFailure(
                    f"{name} returned an array that a later call overwrote: it was {copy}, "
                    f"after the next calls it is {np.asarray(value)} (return a new array)",
                    name.split(".")[0],
                    "returned array",
                )

    return body


def _sum_past_the_clamp(dtype: Any, expect: str) -> Callable[[ModuleType], Notes | None]:
    """A sample whose summed loss passes 100 while no element does (25 + 24 + ... + 21 = 115,
    with logits small enough that torch's 1e-12 gradient floor stays out of it): a clamp
    belongs to each element, not to the sum."""

    def body(impl: ModuleType) -> Notes:
        a = {
            "W": np.array([[-25.0], [-24.0], [-23.0], [-22.0], [-21.0]], dtype),
            "b": np.zeros(5, dtype),
            "x": np.ones(1, dtype),
            "y": np.ones(5, dtype),
            "lr": np.array(STATE_LR),
        }
        expected, got = NETWORK.torch(a, "cpu"), NETWORK.partials(impl, a, "")
        checked = {q: expected[q] for q in ("loss", "dL/dW", "W after step")}
        return _graded("MyNetwork", a, checked, got, dtype, expect)

    return body


def _devices() -> tuple[str, ...]:
    import torch

    return ("cpu", "cuda") if torch.cuda.is_available() else ("cpu",)


def _option_id(name: str, value: Any) -> str:
    """lr0.1 for a number, the value itself for a word (relu, mean)."""
    return value if isinstance(value, str) else f"{name}{value:g}"


def all_checks(
    impl: ModuleType | None = None,
    *,
    expect: str = "tutorial",
    devices: Sequence[str] | None = None,
    layers: tuple[Layer, ...] = ALL_LAYERS,
) -> Iterator[Check]:
    """Every check, in the order a derivation is read: each layer's partials, then the edges,
    the finite differences, bad input, and the network's training runs and properties.

    ``impl`` decides which step paths the network checks take (``train_step`` where it has
    one); ``expect`` is "tutorial" (the register's tutorial values are known divergences) or
    "torch" (they are failures); ``devices`` default to cpu, and cuda where present; ``layers``
    are the records checked (all of them by default; with an implementation, those that
    apply to it), a record's ``whole`` checks included; the tutorial network's state checks,
    runs and properties where its record is among them.
    """
    if expect not in EXPECTATIONS:
        raise ValueError(f"expect must be one of {EXPECTATIONS}, got {expect!r}")
    devices = tuple(devices) if devices is not None else _devices()
    from reference import properties  # hypothesis: only when the checks are asked for

    def paths(layer: Layer) -> tuple[str, ...]:
        return layer.paths(impl) if impl is not None else layer.paths(ModuleType("none"))

    layers = tuple(layer for layer in layers if impl is None or layer.applies(impl))

    for layer in layers:
        grid = [
            dict(zip(layer.grid, v, strict=True)) for v in itertools.product(*layer.grid.values())
        ]
        for (shape_id, shape), (dtype_id, dtype), seed, options, path, device in itertools.product(
            layer.shapes.items(), DTYPES.items(), layer.seeds, grid, paths(layer), devices
        ):
            parts = [layer.name, shape_id, dtype_id, f"seed{seed}"]
            parts += [_option_id(k, v) for k, v in options.items()] + [p for p in (path,) if p]
            yield Check(
                "partials-" + "-".join([*parts, device]),
                layer.needs,
                _partials(layer, seed, shape, dtype, options, path, device, expect),
            )
    for point in edge_points(layers):
        layer = point.spec
        for path, device in itertools.product(paths(layer), devices):
            suffix = "-".join(p for p in (path, device) if p)
            yield Check(
                f"edge-{point.id}-{suffix}", layer.needs, _edge(point, path, device, expect)
            )
    for layer in layers:
        for target, (shape_id, shape), seed in itertools.product(
            layer.fd, layer.shapes.items(), layer.fd_seeds or FD_SEEDS
        ):
            yield Check(
                f"fd-{layer.name}-{target.quantity}-{shape_id}-seed{seed}",
                layer.needs,
                _fd(layer, target, seed, shape),
            )
    for layer in layers:
        for case in layer.errors:
            yield Check(f"raises-{layer.name}-{case.id}", layer.needs, _raises(layer, case))
    for layer in layers:
        for check_id, whole in layer.whole(expect) if layer.whole else ():
            yield Check(check_id, layer.needs, whole)
    if NETWORK not in layers:
        return
    for (dtype_id, dtype), seed in itertools.product(DTYPES.items(), (0, 1)):
        for layer in layers:
            if layer.after_forward is not None:
                yield Check(
                    f"state-{layer.name}-backward-after-forward-{dtype_id}-seed{seed}",
                    layer.needs,
                    _backward_after_forward(layer, layer.after_forward, dtype, seed),
                )
        for before in ("nothing", "other-sample"):
            yield Check(
                f"state-update-after-{before}-{dtype_id}-seed{seed}",
                NETWORK.needs,
                _update_alone(dtype, seed, before),
            )
        yield Check(
            f"state-networks-in-turn-{dtype_id}-seed{seed}",
            NETWORK.needs,
            _networks_in_turn(dtype, seed),
        )
        yield Check(
            f"state-inputs-left-alone-{dtype_id}-seed{seed}",
            NETWORK.needs,
            _inputs_left_alone(dtype, seed),
        )
    for dtype_id, dtype in DTYPES.items():
        yield Check(
            f"sum-past-the-clamp-{dtype_id}", NETWORK.needs, _sum_past_the_clamp(dtype, expect)
        )
    for (shape_id, shape), seed in itertools.product(SHAPES.items(), SEEDS):
        yield Check(
            f"initial-weights-{shape_id}-seed{seed}", NETWORK.needs, _initial_weights(shape, seed)
        )
    for name, path in itertools.product(golden.GOLDEN_RUNS, paths(NETWORK)):
        suffix = "" if path == "two-calls" else f"-{path}"
        yield Check(f"golden-{name}{suffix}", NETWORK.needs, _golden(name, expect, path))
    for name, prop in properties.PROPERTIES.items():
        yield Check(f"property-{name}", NETWORK.needs, prop)


# --- running them -------------------------------------------------------------------------


def _grade(notes: Notes) -> Grade:
    """A pass's grade: torch's values, else the furthest from them it found."""
    order = (Grade.MATCHES_TORCH, Grade.CLOSER, Grade.CONVENTION)
    return max((n.grade for n in notes), key=order.index, default=Grade.MATCHES_TORCH)


def run_one(check: Check, impl: ModuleType, expected_failures: Mapping[str, str] = {}) -> Result:
    """Run one check and say what came of it; an entry of ``expected_failures`` (check id ->
    reason) turns its failure into a known one."""
    try:
        notes = check(impl)
    except ContractBreach as exc:
        return Result(check.id, Status.CANNOT_RUN, str(exc), missing=exc.missing)
    except CheckFailure as exc:
        status, message = Status.FAILED, str(exc)
        if check.id in expected_failures:
            status, message = Status.KNOWN, f"expected failure: {expected_failures[check.id]}"
        return Result(check.id, status, message, exc.layer, exc.quantity, Grade.WRONG, exc.findings)
    except KnownDivergence as exc:
        return Result(check.id, Status.KNOWN, str(exc), grade=Grade.KNOWN, findings=exc.findings)
    message = "; ".join(n.text for n in notes)
    return Result(check.id, Status.PASSED, message, grade=_grade(notes), findings=notes)


def run_checks(
    impl: ModuleType,
    *,
    expect: str = "tutorial",
    expected_failures: Mapping[str, str] | None = None,
    devices: Sequence[str] | None = None,
    select: Callable[[str], bool] | None = None,
    stop_at_first_failure: bool = False,
    layers: tuple[Layer, ...] = ALL_LAYERS,
) -> list[Result]:
    """Every check against ``impl`` (those whose id ``select`` accepts), in order, in this
    process; or up to the first failure."""
    results = []
    with np.errstate(all="ignore"):  # a wrong implementation's warnings are not the verdict
        for check in all_checks(impl, expect=expect, devices=devices, layers=layers):
            if select is not None and not select(check.id):
                continue
            result = run_one(check, impl, expected_failures or {})
            results.append(result)
            if stop_at_first_failure and result.failed:
                break
    return results


def read_xfails(path: str | Path) -> dict[str, str]:
    """A file of expected failures, one check id a line, with its reason after ``#``
    (array-api-tests' xfails file): ``edge-Sigmoid-float32-z=-100-cpu  # overflow, known``."""
    out: dict[str, str] = {}
    for line in Path(path).read_text().splitlines():
        check_id, _, reason = line.partition("#")
        if check_id.strip():
            out[check_id.strip()] = reason.strip() or "listed in the expected-failures file"
    return out


def parametrize_with_checks(
    impls: Sequence[str | ModuleType],
    *,
    expect: str = "tutorial",
    expected_failures: Mapping[str, str] | None = None,
    devices: Sequence[str] | None = None,
    layers: tuple[Layer, ...] = ALL_LAYERS,
) -> Any:
    """scikit-learn's shape: ``@parametrize_with_checks(["my_net.py"])`` on
    ``def test_mine(impl, check): check(impl)`` runs every check against each implementation,
    one test each, with readable ids. ``expected_failures`` maps check ids to reasons: those
    checks are marked xfail; an id that matches no check is an error."""
    import pytest

    expected_failures = dict(expected_failures or {})
    params, seen = [], set()
    for spec in impls:
        module = subject.load_impl(spec) if isinstance(spec, str) else spec
        name = subject.impl_id(spec) if isinstance(spec, str) else module.__name__
        for check in all_checks(module, expect=expect, devices=devices, layers=layers):
            seen.add(check.id)
            reason = expected_failures.get(check.id)
            marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
            params.append(pytest.param(module, check, id=f"{name}-{check.id}", marks=marks))
    unknown = sorted(set(expected_failures) - seen)
    if unknown:
        raise ValueError(f"expected_failures names checks that do not exist: {', '.join(unknown)}")
    return pytest.mark.parametrize(("impl", "check"), params)
