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

from reference import golden
from reference import impl as impl_side
from reference.compare import CheckFailure, assert_match
from reference.edges import EXPECTATIONS, judge_edge
from reference.gradcheck import FD_SEEDS, fd_error
from reference.layers import (
    DTYPES,
    LAYERS,
    NETWORK,
    SEEDS,
    SHAPES,
    EdgePoint,
    Layer,
    edge_points,
)
from reference.training import train_side_by_side

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


class KnownDivergence(Exception):
    """The value is the tutorial's registered divergence, and the runner expects the tutorial."""


@lru_cache(maxsize=256)
def _missing(impl: ModuleType, needs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(impl_side.missing(impl, needs))


@dataclass(frozen=True)
class Check:
    """One check: ``check(impl)`` runs it against an implementation."""

    id: str
    needs: tuple[str, ...]
    body: Callable[[ModuleType], None] = field(repr=False, compare=False)

    def __call__(self, impl: ModuleType) -> None:
        lacks = _missing(impl, self.needs)
        if lacks:
            raise ContractBreach(
                f"{self.id} cannot run: the implementation lacks {', '.join(lacks)}"
            )
        np.random.seed(0)  # every check starts from the same global state
        try:
            self.body(impl)
        except (CheckFailure, KnownDivergence):
            raise
        except Exception as exc:
            # Valid input, so an exception is the implementation's failure, and named.
            raise CheckFailure(
                f"{self.id}: the implementation raised {type(exc).__name__}: {exc} "
                "(on valid input; the check's id names the input)"
            ) from exc


# --- the checks ---------------------------------------------------------------------------


def _partials(
    layer: Layer,
    seed: int,
    shape: tuple[int, int],
    dtype: Any,
    options: dict[str, Any],
    path: str,
    device: str,
) -> Callable[[ModuleType], None]:
    def body(impl: ModuleType) -> None:
        a = layer.sample(seed, shape, dtype)
        a.update({k: np.array(v) for k, v in options.items()})
        expected = layer.torch(a, device)
        got = layer.partials(impl, a, path)
        for quantity, value in expected.items():
            assert_match(
                got[quantity], value, layer=layer.name, quantity=quantity, inputs=a, dtype=dtype
            )

    return body


def _edge(point: EdgePoint, path: str, device: str, expect: str) -> Callable[[ModuleType], None]:
    def body(impl: ModuleType) -> None:
        verdict = judge_edge(point, impl, device, path, expect)
        if verdict.failures:
            quantity = verdict.failures[0].split(" differs")[0].removeprefix(point.layer).strip()
            raise CheckFailure("\n".join(verdict.failures), point.layer, quantity)
        if verdict.known:
            raise KnownDivergence("known divergence " + "; ".join(verdict.known))

    return body


def _fd(
    layer: Layer, target: Any, seed: int, shape: tuple[int, int]
) -> Callable[[ModuleType], None]:
    def body(impl: ModuleType) -> None:
        error = fd_error(layer, target, impl, seed, shape)
        if error is not None:
            raise CheckFailure(error, layer.name, target.quantity)

    return body


def _raises(layer: Layer, case: Any) -> Callable[[ModuleType], None]:
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


TRAINING_EPOCHS = 200


def _training(dtype: Any, seed: int, lr: float, device: str) -> Callable[[ModuleType], None]:
    """The tutorial's loop on its five samples, epoch by epoch, against the torch twin."""

    def body(impl: ModuleType) -> None:
        run = train_side_by_side(impl, seed, TRAINING_EPOCHS, lr, dtype, device)
        if run.crash is not None:
            raise CheckFailure(
                f"training run ({seed=}, {lr=}): {run.crash}", "MyNetwork", "trajectory"
            )
        where = {"layer": "MyNetwork", "inputs": {"seed": seed, "lr": lr}, "dtype": dtype}
        assert_match(
            np.array(run.impl_loss), np.array(run.torch_loss), quantity="trajectory", **where
        )
        for got, expected in zip(run.impl_weights, run.torch_weights, strict=True):
            assert_match(got, expected, quantity="trained weights", **where)

    return body


def _golden(name: str) -> Callable[[ModuleType], None]:
    def body(impl: ModuleType) -> None:
        data = golden.load(name)
        seed, lr, epochs, dtype = golden.GOLDEN_RUNS[name]
        weight, bias = golden.initial_weights(seed, dtype)
        net = impl_side.new_network(impl, weight, bias)
        losses: list[float] = []
        data_set = golden.samples(dtype)
        for _ in range(epochs):
            total = 0.0
            for x, y in data_set:
                total += float(impl_side.step(net, x, y, lr)["loss"])
            losses.append(total)
        where = {"layer": "MyNetwork", "inputs": data["settings"], "dtype": dtype}
        assert_match(np.array(losses), np.array(data["losses"]), quantity="trajectory", **where)
        for attr, key in (("weight", "W"), ("bias", "b")):
            assert_match(
                getattr(net.linear1, attr),
                np.array(data[key], dtype),
                quantity="trained weights",
                **where,
            )

    return body


def _initial_weights(shape: tuple[int, int], seed: int) -> Callable[[ModuleType], None]:
    """MyNetwork draws W then b with np.random.randn under the global seed, in float32."""

    def body(impl: ModuleType) -> None:
        in_features, out_features = shape
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


def _devices() -> tuple[str, ...]:
    import torch

    return ("cpu", "cuda") if torch.cuda.is_available() else ("cpu",)


def all_checks(
    impl: ModuleType | None = None,
    *,
    expect: str = "tutorial",
    devices: Sequence[str] | None = None,
    layers: tuple[Layer, ...] = LAYERS,
) -> Iterator[Check]:
    """Every check, in the order a derivation is read: each layer's partials, then the edges,
    the finite differences, bad input, and the network's training runs and properties.

    ``impl`` decides which step paths the network checks take (``train_step`` where it has
    one); ``expect`` is "tutorial" (the register's tutorial values are known divergences) or
    "torch" (they are failures); ``devices`` default to cpu, and cuda where present; ``layers``
    are the records checked (the tutorial's, by default), and the network's runs and
    properties are checked where the tutorial's network is among them.
    """
    if expect not in EXPECTATIONS:
        raise ValueError(f"expect must be one of {EXPECTATIONS}, got {expect!r}")
    devices = tuple(devices) if devices is not None else _devices()
    from reference import properties  # hypothesis: only when the checks are asked for

    def paths(layer: Layer) -> tuple[str, ...]:
        return layer.paths(impl) if impl is not None else layer.paths(ModuleType("none"))

    for layer in layers:
        grid = [
            dict(zip(layer.grid, v, strict=True)) for v in itertools.product(*layer.grid.values())
        ]
        for (shape_id, shape), (dtype_id, dtype), seed, options, path, device in itertools.product(
            SHAPES.items(), DTYPES.items(), SEEDS, grid, paths(layer), devices
        ):
            parts = [layer.name, shape_id, dtype_id, f"seed{seed}"]
            parts += [f"{k}{v:g}" for k, v in options.items()] + [p for p in (path,) if p]
            yield Check(
                "partials-" + "-".join([*parts, device]),
                layer.needs,
                _partials(layer, seed, shape, dtype, options, path, device),
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
            layer.fd, SHAPES.items(), FD_SEEDS
        ):
            yield Check(
                f"fd-{layer.name}-{target.quantity}-{shape_id}-seed{seed}",
                layer.needs,
                _fd(layer, target, seed, shape),
            )
    for layer in layers:
        for case in layer.errors:
            yield Check(f"raises-{layer.name}-{case.id}", layer.needs, _raises(layer, case))
    if NETWORK not in layers:
        return
    for (shape_id, shape), seed in itertools.product(SHAPES.items(), SEEDS):
        yield Check(
            f"initial-weights-{shape_id}-seed{seed}", NETWORK.needs, _initial_weights(shape, seed)
        )
    for (dtype_id, dtype), seed, lr, device in itertools.product(
        DTYPES.items(), SEEDS, (0.01, 0.03), devices
    ):
        yield Check(
            f"training-{dtype_id}-seed{seed}-lr{lr:g}-{device}",
            NETWORK.needs,
            _training(dtype, seed, lr, device),
        )
    for name in golden.GOLDEN_RUNS:
        yield Check(f"golden-{name}", NETWORK.needs, _golden(name))
    for name, prop in properties.PROPERTIES.items():
        yield Check(f"property-{name}", NETWORK.needs, prop)


# --- running them -------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    check: str
    status: str  # "passed", "known", "failed", "cannot run"
    message: str = ""
    layer: str = ""
    quantity: str = ""


def run_one(check: Check, impl: ModuleType, expected_failures: Mapping[str, str] = {}) -> Result:
    """Run one check and say what came of it; an entry of ``expected_failures`` (check id ->
    reason) turns its failure into a known one."""
    try:
        check(impl)
    except ContractBreach as exc:
        return Result(check.id, "cannot run", str(exc))
    except CheckFailure as exc:
        if check.id in expected_failures:
            return Result(check.id, "known", f"expected failure: {expected_failures[check.id]}")
        return Result(check.id, "failed", str(exc), exc.layer, exc.quantity)
    except KnownDivergence as exc:
        return Result(check.id, "known", str(exc))
    return Result(check.id, "passed")


def run_checks(
    impl: ModuleType,
    *,
    expect: str = "tutorial",
    expected_failures: Mapping[str, str] | None = None,
    devices: Sequence[str] | None = None,
    select: Callable[[str], bool] | None = None,
    stop_at_first_failure: bool = False,
    layers: tuple[Layer, ...] = LAYERS,
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
            if stop_at_first_failure and result.status != "passed" and result.status != "known":
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
) -> Any:
    """scikit-learn's shape: ``@parametrize_with_checks(["my_net.py"])`` on
    ``def test_mine(impl, check): check(impl)`` runs every check against each implementation,
    one test each, with readable ids. ``expected_failures`` maps check ids to reasons: those
    checks are marked xfail; an id that matches no check is an error."""
    import pytest

    expected_failures = dict(expected_failures or {})
    params, seen = [], set()
    for spec in impls:
        module = impl_side.load_impl(spec) if isinstance(spec, str) else spec
        name = impl_side.impl_id(spec) if isinstance(spec, str) else module.__name__
        for check in all_checks(module, expect=expect, devices=devices):
            seen.add(check.id)
            reason = expected_failures.get(check.id)
            marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
            params.append(pytest.param(module, check, id=f"{name}-{check.id}", marks=marks))
    unknown = sorted(set(expected_failures) - seen)
    if unknown:
        raise ValueError(f"expected_failures names checks that do not exist: {', '.join(unknown)}")
    return pytest.mark.parametrize(("impl", "check"), params)
