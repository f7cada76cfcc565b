"""Benchmarks of the per-sample loop: the tutorial, scratch.stable and torch, side by side.

Groups put rivals together: one step at each layer size (with the floors no step can beat),
one epoch of 5 to 10,000 samples, and the whole tutorial run. ``nox -s bench`` turns the
medians into ratio tables and a picture (bench/report.py).
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import scratch.compiled
from bench.cases import (
    DTYPE,
    IMPLEMENTATIONS,
    LR,
    compiled_epoch,
    problem,
    recurrence_epoch,
    stacked,
    to_device,
    torch_step,
)
from bench.conftest import TORCH_THREADS
from scratch.data import EPOCHS, IN_FEATURES, OUT_FEATURES, samples

CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
JAX = pytest.mark.skipif(
    importlib.util.find_spec("jax") is None, reason="JAX is not installed (pip install .[bench])"
)
SIZES = [(3, 4), (16, 16), (64, 64), (256, 256), (1024, 1024)]  # (in_features, out_features)
EPOCH_SAMPLES = [5, 100, 1000, 10_000]
RIVALS = [
    pytest.param("tutorial", "cpu", id="tutorial"),
    pytest.param("stable", "cpu", id="stable"),
    pytest.param("compiled", "cpu", id="compiled"),
    pytest.param("jax", "cpu", id="jax", marks=JAX),
    pytest.param("torch", "cpu", id="torch-cpu"),
    pytest.param("torch", "cuda", id="torch-cuda", marks=CUDA),
]


def info(benchmark: Any, impl: str, device: str, shape: tuple[int, int], **more: Any) -> None:
    benchmark.extra_info.update(
        impl=impl if impl != "torch" else f"torch-{device}",
        in_features=shape[0],
        out_features=shape[1],
        dtype=np.dtype(DTYPE).name,
        torch_threads=TORCH_THREADS,
        **more,
    )


def make_step(impl: str, device: str, weight: np.ndarray, bias: np.ndarray) -> Callable[..., Any]:
    if impl == "jax":
        from bench.jax_loop import Net

        return Net(weight, bias, LR).step
    if impl == "torch":
        return torch_step(weight, bias, device)
    return IMPLEMENTATIONS[impl](weight, bias)


def inputs(impl: str, device: str, data: list[tuple[np.ndarray, np.ndarray]]) -> list[Any]:
    if impl == "jax":
        import jax.numpy as jnp

        return [(jnp.asarray(x), jnp.asarray(y)) for x, y in data]
    return to_device(data, device) if impl == "torch" else data


def check(loss: Any) -> None:
    """Each body, run once under plain pytest, is also a correctness check."""
    assert np.isfinite(float(loss)), f"loss {loss}"


@pytest.mark.parametrize("shape", SIZES, ids=[f"{i}x{o}" for i, o in SIZES])
@pytest.mark.parametrize(("impl", "device"), RIVALS)
def bench_step(benchmark: Any, impl: str, device: str, shape: tuple[int, int]) -> None:
    """One per-sample step: loss, gradient, update."""
    benchmark.group = f"step {shape[0]}x{shape[1]}"
    info(benchmark, impl, device, shape)
    weight, bias, data = problem(*shape)
    step = make_step(impl, device, weight, bias)
    ((x, y),) = inputs(impl, device, data)
    step(x, y)  # the first call compiles (JAX) or loads the kernels (numba): not a step's cost
    check(benchmark(step, x, y))


# Steps timed as part of an epoch: this many samples a call, the median divided by them.
STEPS_PER_CALL = 16


@pytest.mark.parametrize("shape", SIZES, ids=[f"{i}x{o}" for i, o in SIZES])
@pytest.mark.parametrize(
    "impl",
    [
        pytest.param("compiled-epoch", id="compiled-epoch"),
        pytest.param("jax-scan", id="jax-scan", marks=JAX),
    ],
)
def bench_step_in_an_epoch(benchmark: Any, impl: str, shape: tuple[int, int]) -> None:
    """One step inside an epoch's loop (scratch.compiled's train_epoch, JAX's lax.scan):
    STEPS_PER_CALL samples a call, reported a step."""
    benchmark.group = f"step {shape[0]}x{shape[1]}"
    info(benchmark, impl, "cpu", shape, steps_per_call=STEPS_PER_CALL)
    weight, bias, data = problem(*shape, n_samples=STEPS_PER_CALL)
    xs, ys = stacked(data)
    epoch: Callable[[Any, Any], float]
    if impl == "jax-scan":
        import jax.numpy as jnp

        from bench.jax_loop import Net

        epoch, xs, ys = Net(weight, bias, LR).epoch, jnp.asarray(xs), jnp.asarray(ys)
    else:
        epoch = compiled_epoch(weight, bias)
    epoch(xs, ys)  # the first call traces (JAX) or loads the kernels (numba): not a step's cost
    check(benchmark(epoch, xs, ys))


@pytest.mark.parametrize("shape", SIZES, ids=[f"{i}x{o}" for i, o in SIZES])
def bench_floor_copy_weights(benchmark: Any, shape: tuple[int, int]) -> None:
    """Floor for large layers: one pass over W (a copy into a buffer)."""
    benchmark.group = f"step {shape[0]}x{shape[1]}"
    info(benchmark, "floor: copy W", "cpu", shape)
    weight, _, _ = problem(*shape)
    out = np.empty_like(weight)
    benchmark(np.copyto, out, weight)
    assert np.array_equal(out, weight)


@pytest.mark.parametrize("shape", SIZES, ids=[f"{i}x{o}" for i, o in SIZES])
def bench_floor_numpy_call(benchmark: Any, shape: tuple[int, int]) -> None:
    """Floor for tiny layers: the cost of one minimal NumPy call (a 1-element add)."""
    benchmark.group = f"step {shape[0]}x{shape[1]}"
    info(benchmark, "floor: numpy call", "cpu", shape)
    a, out = np.ones(1, DTYPE), np.empty(1, DTYPE)
    benchmark(np.add, a, a, out=out)
    assert out[0] == 2


@pytest.mark.parametrize("n", EPOCH_SAMPLES, ids=[f"{n}samples" for n in EPOCH_SAMPLES])
@pytest.mark.parametrize(("impl", "device"), RIVALS)
def bench_epoch(benchmark: Any, impl: str, device: str, n: int) -> None:
    """One epoch, sample by sample, on the tutorial's 3x4 layer."""
    benchmark.group = f"epoch of {n} samples"
    shape = (IN_FEATURES, OUT_FEATURES)
    info(benchmark, impl, device, shape, samples=n)
    weight, bias, data = problem(*shape, n_samples=n)
    step = make_step(impl, device, weight, bias)
    batch = inputs(impl, device, data)

    def epoch() -> float:
        return sum(float(step(x, y)) for x, y in batch)

    check(benchmark.pedantic(epoch, rounds=5 if n >= 1000 else 20, warmup_rounds=1))


@pytest.mark.parametrize("n", EPOCH_SAMPLES, ids=[f"{n}samples" for n in EPOCH_SAMPLES])
def bench_epoch_compiled_loop(benchmark: Any, n: int) -> None:
    """One epoch in one call: scratch.compiled's train_epoch runs the loop in compiled code."""
    benchmark.group = f"epoch of {n} samples"
    shape = (IN_FEATURES, OUT_FEATURES)
    weight, bias, data = problem(*shape, n_samples=n)
    epoch = compiled_epoch(weight, bias)
    xs, ys = stacked(data)
    start = time.perf_counter()
    epoch(xs[:1], ys[:1])  # the first call loads (or compiles) the kernels: timed, reported
    info(
        benchmark,
        "compiled-epoch",
        "cpu",
        shape,
        samples=n,
        first_call_s=time.perf_counter() - start,
        transcendentals=scratch.compiled.TRANSCENDENTALS,
        loop_for_its_shape=isinstance(scratch.compiled.loop_shape(weight)[0], tuple),
    )
    check(benchmark.pedantic(epoch, args=(xs, ys), rounds=20, warmup_rounds=1))


@pytest.mark.parametrize("n", EPOCH_SAMPLES, ids=[f"{n}samples" for n in EPOCH_SAMPLES])
def bench_epoch_floor_recurrence(benchmark: Any, n: int) -> None:
    """The floor of an epoch: the recurrence alone, without exp, log or division."""
    benchmark.group = f"epoch of {n} samples"
    shape = (IN_FEATURES, OUT_FEATURES)
    weight, bias, data = problem(*shape, n_samples=n)
    epoch = recurrence_epoch(weight, bias)
    xs, ys = stacked(data)
    epoch(xs[:1], ys[:1])  # compiled (or loaded) before timing
    info(benchmark, "floor: recurrence", "cpu", shape, samples=n)
    check(benchmark.pedantic(epoch, args=(xs, ys), rounds=20, warmup_rounds=1))


@JAX
@pytest.mark.parametrize("n", EPOCH_SAMPLES, ids=[f"{n}samples" for n in EPOCH_SAMPLES])
def bench_epoch_jax_scan(benchmark: Any, n: int) -> None:
    """One epoch in one call: JAX's lax.scan over the samples, jitted."""
    import jax.numpy as jnp

    from bench.jax_loop import Net

    benchmark.group = f"epoch of {n} samples"
    shape = (IN_FEATURES, OUT_FEATURES)
    weight, bias, data = problem(*shape, n_samples=n)
    net = Net(weight, bias, LR)
    xs, ys = (jnp.asarray(a) for a in stacked(data))
    start = time.perf_counter()
    net.epoch(xs, ys)  # the first call traces and compiles: timed, reported
    info(benchmark, "jax-scan", "cpu", shape, samples=n, first_call_s=time.perf_counter() - start)
    check(benchmark.pedantic(net.epoch, args=(xs, ys), rounds=20, warmup_rounds=1))


@pytest.mark.parametrize(("impl", "device"), RIVALS)
def bench_tutorial_run(benchmark: Any, impl: str, device: str) -> None:
    """The tutorial's whole run: seed 42, MyNetwork(3, 4), lr 0.01, 2000 epochs."""
    benchmark.group = "tutorial run (2000 epochs)"
    shape = (IN_FEATURES, OUT_FEATURES)
    info(benchmark, impl, device, shape, epochs=EPOCHS)
    np.random.seed(42)
    weight = np.random.randn(OUT_FEATURES, IN_FEATURES).astype(DTYPE)
    bias = np.random.randn(OUT_FEATURES).astype(DTYPE)
    batch = inputs(impl, device, samples())

    def run() -> float:
        step = make_step(impl, device, weight, bias)
        total = 0.0
        for _ in range(EPOCHS):
            total = sum(float(step(x, y)) for x, y in batch)
        return total

    last = benchmark.pedantic(run, rounds=3)
    check(last)
    assert last < 0.22  # the tutorial's run ends at 0.2137


def bench_tutorial_run_compiled_loop(benchmark: Any) -> None:
    """The tutorial's whole run with scratch.compiled's train_epoch, one call an epoch."""
    benchmark.group = "tutorial run (2000 epochs)"
    shape = (IN_FEATURES, OUT_FEATURES)
    info(benchmark, "compiled-epoch", "cpu", shape, epochs=EPOCHS)
    np.random.seed(42)
    weight = np.random.randn(OUT_FEATURES, IN_FEATURES).astype(DTYPE)
    bias = np.random.randn(OUT_FEATURES).astype(DTYPE)
    xs, ys = stacked(samples())

    def run() -> float:
        epoch = compiled_epoch(weight, bias)
        total = 0.0
        for _ in range(EPOCHS):
            total = epoch(xs, ys)
        return total

    last = benchmark.pedantic(run, rounds=3)
    check(last)
    assert last < 0.22
