"""Sequences: generated call sequences, judged step by step against torch.

The fixed checks call each method at chosen points in a chosen order; code whose result
depends on what happened before (the learning rates seen, the number of steps, the arrays
passed before, the gradient's size, the layer's size) passes them. A sequence check draws a
program from its seed (numpy's PCG64, so both processes draw the same one): several networks
alive at once, of sizes from 1x1 to 64x64 (the TwoLayerNetwork's on batches, with each
activation and reduction), ``forward_loss``, ``update_weights``, ``train_step`` and the
layers' methods in any order, learning rates from 1e-4 to 10, inputs scaled from 1e-3 to 1e3
(so gradients range from tiny to large), an input array reused with new contents. The
implementation's process runs the program (the drive) and sends back what each call
returned, each network's weights after it, which arguments a call changed, and which earlier
returned arrays changed since they were returned. The harness judges each call
alone (the judge): torch's twin takes the implementation's weights as they were before the
call, so no error accumulates, and the graded verdicts decide; a changed argument or a
returned array that changed later is reported as such. A call whose logits saturate the
sigmoid in the dtype, where the tutorial's formulas are known to break, is left to the fixed
edge checks; short of that, the tutorial's own value where it parts from torch is a known
divergence, as at the register's edges; where torch's own value is far from the exact
value, a value about as far is as right. A failure is shrunk by search (the harness asks the
implementation's process to run shorter programs, and keeps the shortest that fails the same
way) and printed as a script to paste and run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from reference import oracle, subject
from reference.checks.base import Check, Context, KnownDivergence, Notes, Rerun
from reference.compare import CheckFailure, mismatch, observing
from reference.records import DTYPES, Network, Record
from reference.records.grown import ACTIVATIONS, REDUCTIONS, TWO_LAYER
from reference.records.tutorial import BCE, LINEAR, NETWORK, SIGMOID
from reference.results import Finding, Grade
from reference.verdicts import as_near_as, judge, tutorial_value

# Programs per dtype: BCE_HARNESS_SEQUENCES sets it (nox -s tests runs more).
DEFAULT_SEQUENCES = 6
SEQUENCES = int(os.environ.get("BCE_HARNESS_SEQUENCES", DEFAULT_SEQUENCES))
CALLS = 30  # calls a program
SIZES = (1, 2, 3, 5, 8, 17, 32, 64)
# Past this |logit| the sigmoid rounds to 0 or 1 in the dtype: the tutorial's known break.
SATURATED = {"float32": 16.0, "float64": 36.0}
NETWORK_CALLS = ("forward_loss", "update_weights", "train_step", "linear")
CAUSE = "the tutorial's formulas at generated points"
AS_CLOSE_AS_TORCH = (
    "as close to the exact value as a correct formula, where torch or the tutorial is far from it"
)
TUTORIALS = "where the tutorial's own formulas part from torch (as at its registered edges)"
ALIASED = "the {q} that call {j} ({op}) returned changed after it: it shares memory with state"
OPS = ("forward_loss", "update_weights", "train_step", "refill", "layer", "new")


def program(seed: int, dtype: str, paths: tuple[str, ...], record: Record) -> list[dict[str, Any]]:
    """The calls of one sequence, as data: the same for a seed, dtype, step paths and network
    record (the tutorial's MyNetwork on one sample; the TwoLayerNetwork on batches)."""
    two = record is TWO_LAYER
    rng = np.random.default_rng([20261201, seed, list(DTYPES).index(dtype), int(two)])
    dt = np.dtype(dtype)
    nets: list[tuple[int, int, float, int]] = []  # (in, out, inputs' scale, batch: 0 = one)
    ops: list[dict[str, Any]] = []

    def weights(n_out: int, n_in: int, spread: float) -> np.ndarray:
        return (rng.standard_normal((n_out, n_in)) * spread).astype(dt)

    def new() -> None:
        n_in, n_out = (int(rng.choice(SIZES)) for _ in range(2))
        scale = float(10 ** rng.uniform(-3, 3))
        # Weights against the inputs' scale, so that logits start moderate and the gradient
        # (dL/dz times x) takes the inputs' scale.
        spread = float(10 ** rng.uniform(-1, 0.5)) / (scale * np.sqrt(n_in))
        if two:
            hidden = int(rng.choice(SIZES[:6]))
            params = {
                "W1": weights(hidden, n_in, spread),
                "b1": (rng.standard_normal(hidden) * 0.5).astype(dt),
                "W2": weights(n_out, hidden, float(10 ** rng.uniform(-0.5, 0.5)) / np.sqrt(hidden)),
                "b2": (rng.standard_normal(n_out) * 0.5).astype(dt),
            }
            options = {
                "activation": str(rng.choice(list(ACTIVATIONS))),
                "reduction": str(rng.choice(REDUCTIONS)),
            }
            batch = int(rng.choice([1, 2, 4, 8]))
        else:
            params = {
                "W": weights(n_out, n_in, spread),
                "b": (rng.standard_normal(n_out) * 0.5).astype(dt),
            }
            options, batch = {}, 0
        ops.append({"op": "new", "net": len(nets), "params": params, "options": options})
        nets.append((n_in, n_out, scale, batch))

    new()
    layer_calls = 0 if two else 3
    steps = 3 if "train_step" in paths and not two else 0
    odds = np.array([4, 5, steps, 2, layer_calls, 1], float)
    while len(ops) < CALLS:
        kind = OPS[rng.choice(len(OPS), p=odds / odds.sum())]
        if kind == "new":
            if len(nets) < 3:
                new()
            continue
        k = int(rng.integers(len(nets)))
        n_in, n_out, scale, batch = nets[k]
        rows = (batch,) if batch else ()
        x = (rng.standard_normal((*rows, n_in)) * scale).astype(dt)
        y = rng.integers(0, 2, (*rows, n_out)).astype(dt)
        if kind == "refill":  # the network's input buffer, given new contents in place
            ops.append({"op": "refill", "net": k, "x": x})
            continue
        use_buffer = bool(rng.integers(2))
        if kind == "layer":
            method = str(rng.choice(["linear", "sigmoid", "loss"]))
            z = (rng.standard_normal(n_out) * 3).astype(dt)
            yhat = rng.uniform(0.01, 0.99, n_out).astype(dt)
            ops.append(
                {"op": method, "net": k, "x": x, "buffer": use_buffer, "z": z, "yhat": yhat, "y": y}
            )
            continue
        lr = float(10 ** rng.uniform(-4, 1))
        ops.append({"op": kind, "net": k, "x": x, "buffer": use_buffer, "y": y, "lr": lr})
    return ops


def _changed(before: np.ndarray, after: Any) -> bool:
    a = np.asarray(after)
    return a.shape != before.shape or a.tobytes() != before.tobytes()


def _options(op: dict[str, Any]) -> dict[str, np.ndarray]:
    return {name: np.array(value) for name, value in op["options"].items()}


def _run(impl: ModuleType, ops: list[dict[str, Any]], network: Network) -> list[dict[str, Any]]:
    """The implementation's side: each call made, and what came of it."""
    nets: dict[int, Any] = {}
    buffers: dict[int, np.ndarray] = {}
    layers = {"sigmoid": impl.Sigmoid(), "loss": impl.BinaryCrossEntropyLoss()}
    kept: list[tuple[int, str, np.ndarray, np.ndarray]] = []  # returned arrays, their contents
    out: list[dict[str, Any]] = []

    def write(k: int, x: np.ndarray) -> None:
        """The harness's own write to an input buffer: what it changes is not a finding."""
        if buffers[k].shape != x.shape:
            buffers[k] = np.zeros_like(x)
        buffers[k][...] = x
        kept[:] = [(j, q, v, np.array(v, copy=True)) for j, q, v, _ in kept]

    for i, op in enumerate(ops):
        k, name = op["net"], op["op"]
        record: dict[str, Any] = {}
        if name == "new":
            nets[k] = network.build(impl, {**op["params"], **_options(op)})
            buffers[k] = np.zeros(0, next(iter(op["params"].values())).dtype)
        elif name == "refill":
            write(k, op["x"])
        else:
            net = nets[k]
            # Fresh copies, but for the buffer, which is passed again and again.
            args: dict[str, Any] = {a: op[a].copy() for a in ("x", "y", "z", "yhat") if a in op}
            if op["buffer"]:
                write(k, op["x"])
                args["x"] = buffers[k]
            snapshot = {a: np.array(v, copy=True) for a, v in args.items()}
            before = {p: np.array(v, copy=True) for p, v in network.params(net).items()}
            try:
                returned = _call(net, layers, name, args, op.get("lr"))
            except Exception as exc:  # judged there: on valid input, the implementation's
                returned, record["raised"] = {}, [type(exc).__name__, str(exc)]
            record["returned"] = {
                q: np.array(v, copy=True, subok=True) for q, v in returned.items()
            }
            after = network.params(net)
            record["params"] = {p: np.array(v, copy=True, subok=True) for p, v in after.items()}
            record["weights_changed"] = any(_changed(before[p], after[p]) for p in before)
            record["arguments_changed"] = sorted(
                a for a, v in args.items() if _changed(snapshot[a], v)
            )
            kept += [
                (i, q, v, np.array(v, copy=True))
                for q, v in returned.items()
                if isinstance(v, np.ndarray)
            ]
        # A returned array that the implementation changed since it returned it.
        record["kept_changed"] = [
            [j, q] for j, q, v, contents in kept if j < i and _changed(contents, v)
        ]
        out.append(record)
    return out


def _call(
    net: Any, layers: dict[str, Any], name: str, args: dict[str, Any], lr: float | None
) -> dict[str, Any]:
    x, y = args.get("x"), args.get("y")
    if name == "forward_loss":
        return {"loss": net.forward_loss(x, y)}
    if name == "update_weights":
        net.update_weights(x, y, lr)
        return {}
    if name == "train_step":
        return {"loss": net.train_step(x, y, lr)}
    if name == "linear":
        z = net.linear1.forward(x)
        partials = net.linear1.backward(x)
        return {
            "z": z,
            "output_wrt_weight": partials.output_wrt_weight,
            "output_wrt_bias": partials.output_wrt_bias,
        }
    if name == "sigmoid":
        s = layers["sigmoid"]
        return {"yhat": s.forward(args["z"]), "dyhat/dz": s.backward(args["z"]).output_wrt_x}
    loss = layers["loss"]
    value = loss.forward(args["yhat"], y)
    return {"loss": value, "dL/dyhat": subject.bce_backward(loss)(args["yhat"], y).output_wrt_yhat}


# --- the harness's side ------------------------------------------------------------------


Params = dict[str, np.ndarray]


def _expected(
    op: dict[str, Any], weights: Params, options: dict[str, np.ndarray], network: Record
) -> tuple[Record, dict[str, Any], dict[str, Any]]:
    """The record, its inputs and torch's values for one call, from the weights before it."""
    name = op["op"]
    if name == "linear":
        a = {"W": weights["W"], "b": weights["b"], "x": op["x"]}
        return LINEAR, a, LINEAR.torch(a, "cpu")
    if name == "sigmoid":
        a = {"z": op["z"]}
        return SIGMOID, a, SIGMOID.torch(a, "cpu")
    if name == "loss":
        a = {"yhat": op["yhat"], "y": op["y"]}
        return BCE, a, BCE.torch(a, "cpu")
    lr = np.array(op.get("lr", 0.1))
    a = {**weights, "x": op["x"], "y": op["y"], "lr": lr, **options}
    return network, a, network.torch(a, "cpu")


def _got(op: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """The implementation's values under the record's quantity names."""
    r, name = record["returned"], op["op"]
    if name == "linear":
        ones = np.ones(np.shape(r["output_wrt_bias"]) or (1,), np.asarray(r["z"]).dtype)
        return {
            "z": r["z"],
            "dz/dW": np.outer(ones, r["output_wrt_weight"]),
            "dz/db": ones * np.asarray(r["output_wrt_bias"]),
        }
    if name in ("sigmoid", "loss"):
        return dict(r)
    out: dict[str, Any] = {}
    dtype = next(iter(record["params"].values())).dtype
    if "loss" in r:  # a Python float or NumPy scalar is accepted, as by the fixed checks
        loss = np.asarray(r["loss"])
        out["loss"] = loss.astype(dtype) if loss.shape == () and loss.dtype.kind == "f" else loss
    if name != "forward_loss":
        out |= {f"{p} after step": v for p, v in record["params"].items()}
    return out


# The hidden activations the saturation test knows (others: every call is judged).
HIDDEN: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
}


def _logits(op: dict[str, Any], weights: Params, options: dict[str, np.ndarray]) -> Any:
    """The output layer's logits of a network call, in float64 (None where unknown)."""
    w = {p: np.asarray(v, np.float64) for p, v in weights.items()}
    x = np.asarray(op["x"], np.float64)
    with np.errstate(all="ignore"):
        if "W" in w:
            return x @ w["W"].T + w["b"] if x.shape[-1:] == w["W"].shape[1:] else None
        f = HIDDEN.get(str(options.get("activation")))
        return None if f is None else f(x @ w["W1"].T + w["b1"]) @ w["W2"].T + w["b2"]


def _valid(op: dict[str, Any], weights: Params, options: dict[str, np.ndarray]) -> bool:
    """Whether the network's weights, and the logits of this call, are finite (a network
    that diverged has no reference left to judge it by)."""
    if not all(np.all(np.isfinite(v)) for v in weights.values()):
        return False
    z = _logits(op, weights, options)
    return z is None or bool(np.all(np.isfinite(z)))


def _saturated(
    op: dict[str, Any], weights: Params, options: dict[str, np.ndarray], dtype: str
) -> bool:
    """Whether a network call's logits saturate the sigmoid in the dtype: where the
    tutorial's formulas break, which the fixed edge checks judge."""
    z = _logits(op, weights, options)
    return z is not None and bool(np.any(np.abs(z) >= SATURATED[dtype]))


def _the_tutorials(
    rec: Record, a: dict[str, Any], quantity: str, value: Any, torch: Any, dtype: Any
) -> bool:
    """Whether a value that differs from torch's is, within tolerance, the tutorial's own
    where the tutorial's own parts from torch too (the cancellations of its formulas short
    of saturation: 1 - yhat computed as yhat - yhat**2)."""
    theirs = tutorial_value(rec, a, quantity)
    if theirs is None:
        return False
    where = {"layer": rec.name, "quantity": quantity, "inputs": {}, "dtype": dtype}
    return mismatch(theirs, torch, **where) is not None and mismatch(value, theirs, **where) is None


# Where a correct formula's value (torch's, or the tutorial's) is itself this far from the
# exact value (a step whose gradient went through 1 - yhat near saturation, at a large lr), a
# value no further than AS_FAR times the farther of them is as right.
TORCH_OFF_ULPS = 8.0
AS_FAR = 8.0


def _as_close_as_torch(
    v: Finding, rec: Record, a: dict[str, Any], value: Any, torch: Any, dtype: str
) -> Finding:
    """At a generated point where torch's value, or the tutorial's formulas', is itself
    TORCH_OFF_ULPS or more from the exact value, the tolerance around torch's measures the
    point's conditioning, not the formula: a value at most AS_FAR times as far from the exact
    value as the farther of the two passes, said so. Measured, float32, right implementations
    that round in another order: scratch.stable 55 ulps where torch is 55 (lr 7, x near 60),
    two_layer_from_scratch 44 where torch is 16 (lr 9.4, x near 100), scratch.compiled 2620
    where torch is 644 (logits near 9), factored_denominator and keras_eps_clip 1250 where
    torch is 23 and the tutorial 196 (b after a step at lr 3.4, a logit near 7)."""
    exact = oracle.exact(rec, a, v.quantity)
    value_a, torch_a = np.asarray(value), np.asarray(torch)
    if value_a.dtype != torch_a.dtype or value_a.shape != torch_a.shape:
        return v  # another dtype or shape is wrong however near its numbers are
    if not exact or value_a.dtype.kind != "f" or value_a.size != len(exact[oracle.MATHEMATICS]):
        return v
    math = exact[oracle.MATHEMATICS]
    mine, theirs = oracle.ulps(value_a, math, dtype), oracle.ulps(torch, math, dtype)
    # The tutorial's formulas at this input, where its arrays are of the check's dtype (a
    # network whose step upcast its weights has given others; the rate is a number).
    arrays = [np.asarray(x) for x in a.values()]
    one_dtype = all(x.dtype == np.dtype(dtype) for x in arrays if x.ndim and x.dtype.kind == "f")
    tutorials = tutorial_value(rec, a, v.quantity) if one_dtype else None
    tutorial = oracle.ulps(tutorials, math, dtype) if tutorials is not None else 0.0
    yardstick = max(theirs, tutorial if np.isfinite(tutorial) else 0.0)
    if not (np.isfinite(mine) and yardstick >= TORCH_OFF_ULPS and mine <= AS_FAR * yardstick):
        return v
    text = (
        f"{v.quantity}: as close to the exact value as a correct formula ({mine:.3g} ulps from "
        f"it, torch {theirs:.3g}, the tutorial's {tutorial:.3g}: their own rounding here "
        "exceeds the tolerance)"
    )
    return Finding(
        v.layer, v.quantity, Grade.CLOSER, AS_CLOSE_AS_TORCH, text=text, evidence=v.evidence
    )


def _as_close_as_the_tutorial(
    rec: Record, a: dict[str, Any], quantity: str, value: Any, torch: Any, dtype: str
) -> bool:
    """Where the tutorial's own value parts from torch, whether a value is no further than
    AS_FAR times the tutorial's from the exact value (its formulas, rounded in another order:
    measured, float32, factored_denominator 5.77e4 ulps where the tutorial is 5.75e4)."""
    theirs = tutorial_value(rec, a, quantity)
    where: dict[str, Any] = {"layer": rec.name, "quantity": quantity, "inputs": {}}
    if theirs is None or mismatch(theirs, torch, dtype=dtype, **where) is None:
        return False
    return as_near_as(rec, a, quantity, value, theirs, dtype, times=AS_FAR) is not None


def _script(ops: list[dict[str, Any]], upto: int, dtype: str) -> str:
    """The calls up to the failing one, as Python: every network's (``net`` where there is
    one; ``net0``, ``net1``... where several are alive)."""
    several = len({op["net"] for op in ops[: upto + 1]}) > 1

    def arr(v: np.ndarray) -> str:
        values = ", ".join(str(np.dtype(dtype).type(e)) for e in np.ravel(v))
        return f"np.array([{values}], np.{dtype}).reshape({tuple(np.shape(v))})"

    lines = [
        "import numpy as np",
        "impl = __import__('my_net')  # your implementation's module",
        "sigmoid, loss = impl.Sigmoid(), impl.BinaryCrossEntropyLoss()",
    ]
    for op in ops[: upto + 1]:
        lines += _lines(op, arr, str(op["net"]) if several else "")
    return "\n".join(lines)


def _lines(op: dict[str, Any], arr: Callable[[np.ndarray], str], k: str) -> list[str]:
    """One call of a program as Python, on network ``net{k}``."""
    name, net, buffer, x, y = op["op"], f"net{k}", f"buffer{k}", f"x{k}", f"y{k}"
    if name == "new":
        p = op["params"]
        if "W" in p:
            n_out, n_in = p["W"].shape
            lines = [f"{net} = impl.MyNetwork({n_in}, {n_out})"]
        else:
            (hidden, n_in), n_out = p["W1"].shape, p["W2"].shape[0]
            options = ", ".join(f"{o}={v!r}" for o, v in op["options"].items())
            lines = [f"{net} = impl.TwoLayerNetwork({n_in}, {hidden}, {n_out}, {options})"]
        for suffix, attribute in (("", "linear1"), ("1", "linear1"), ("2", "linear2")):
            if f"W{suffix}" in p:
                lines += [
                    f"{net}.{attribute}.weight = {arr(p['W' + suffix])}",
                    f"{net}.{attribute}.bias = {arr(p['b' + suffix])}",
                ]
        return [*lines, f"{buffer} = None"]
    # The same input array, given new contents (a refill, or a call on the buffer).
    refill = [f"{buffer} = {arr(op['x'])} if {buffer} is None else {buffer}"]
    refill.append(f"{buffer}[...] = {arr(op['x'])}")
    if name == "refill":
        return refill
    lines = [*refill, f"{x} = {buffer}"] if op["buffer"] else [f"{x} = {arr(op['x'])}"]
    lines.append(f"{y} = {arr(op['y'])}")
    lr = op.get("lr")
    if name == "forward_loss":
        return [*lines, f"print({net}.forward_loss({x}, {y}))"]
    if name == "update_weights":
        return [*lines, f"{net}.update_weights({x}, {y}, {lr!r})", f"print(vars({net}))"]
    if name == "train_step":
        step = f"{net}.train_step({x}, {y}, {lr!r})"
        return [*lines, f"print({step}, {net}.linear1.weight, {net}.linear1.bias)"]
    if name == "linear":
        return [*lines, f"print({net}.linear1.forward({x}), vars({net}.linear1.backward({x})))"]
    if name == "sigmoid":
        z = f"z{k}"
        return [
            *lines,
            f"{z} = {arr(op['z'])}",
            f"print(sigmoid.forward({z}), sigmoid.backward({z}).output_wrt_x)",
        ]
    yhat = f"yhat{k}"
    return [
        *lines,
        f"{yhat} = {arr(op['yhat'])}",
        f"print(loss.forward({yhat}, {y}), loss.backwards({yhat}, {y}).output_wrt_yhat)",
    ]


def _sequence(
    check_id: str, record: Record, seed: int, dtype: str, paths: tuple[str, ...], expect: str
) -> Check:
    network = record.network
    assert network is not None  # generate passes network records only
    steps = ("train_step" in paths) and record is NETWORK
    needs = record.needs + ((f"{network.class_name}.train_step",) if steps else ())

    def drive(impl: ModuleType) -> list[dict[str, Any]]:
        return redrive(impl, program(seed, dtype, paths, record))

    def redrive(impl: ModuleType, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
        with np.errstate(all="ignore"):
            return _run(impl, ops, network)

    def judge_run(run: list[dict[str, Any]]) -> Notes:
        ops = program(seed, dtype, paths, record)
        return _judge_ops(ops, run, f"sequence seed {seed}", dtype, expect, record)

    def shrink(failure: CheckFailure, rerun: Rerun) -> CheckFailure:
        if not isinstance(failure, SequenceFailure):
            return failure

        def fails(ops: list[dict[str, Any]]) -> SequenceFailure | None:
            driven = rerun(ops)
            if driven.data is None or len(driven.data) != len(ops):
                return None  # the implementation raised or stopped: not the same failure
            label = f"sequence seed {seed}, shrunk from call {failure.i} of {len(failure.ops)}"
            try:
                _judge_ops(ops, driven.data, label, dtype, expect, record)
            except SequenceFailure as again:
                same = (again.layer, again.quantity) == (failure.layer, failure.quantity)
                return again if same else None
            except KnownDivergence:
                return None
            return None

        return _shrunk(failure, fails)

    return Check(check_id, needs, drive, judge_run, redrive=redrive, shrink=shrink)


def _judge_ops(
    ops: list[dict[str, Any]],
    run: list[dict[str, Any]],
    label: str,
    dtype: str,
    expect: str,
    record: Record,
) -> Notes:
    """Each call of a program judged alone, from the weights the implementation had before
    it; the first wrong one raises :class:`SequenceFailure`."""
    weights: dict[int, Params] = {}
    options: dict[int, dict[str, np.ndarray]] = {}
    found = Found()
    for i, (op, done) in enumerate(zip(ops, run, strict=True)):
        k = op["net"]
        where = f"call {i} of {label} ({op['op']} on network {k})"
        if done["kept_changed"]:
            j, q = done["kept_changed"][0]
            _fail(ops, i, dtype, f"{where}: {ALIASED.format(q=q, j=j, op=ops[j]['op'])}")
        if op["op"] == "new":
            weights[k], options[k] = op["params"], _options(op)
            continue
        if op["op"] != "refill":
            call = Call(ops, i, done, weights[k], options[k], record)
            _judge_call(call, dtype, expect, where, found)
        if op["op"] in ("update_weights", "train_step"):
            weights[k] = {p: np.asarray(v) for p, v in done["params"].items()}
    if found.known:
        text = f"known divergence: {len(found.known)} quantities {TUTORIALS}"
        raise KnownDivergence(text, tuple(found.known[:3]))
    return tuple(found.notes)


# At most this many reruns of the implementation while shrinking a failing sequence.
MAX_RERUNS = 60


def _shrunk(
    failure: SequenceFailure, fails: Callable[[list[dict[str, Any]]], SequenceFailure | None]
) -> SequenceFailure:
    """The shortest failing program the search finds, failing the same way (the same layer
    and quantity): its calls up to the failing one; the failing network's calls alone, if
    they fail; then each call left out in turn, from the last, where the failure stays (a
    network's creation stays while a call uses it). ``fails`` reruns a program in the
    implementation and judges it. The first failure is returned where nothing shorter fails."""
    current, best, reruns = failure.ops[: failure.i + 1], None, 0

    def attempt(candidate: list[dict[str, Any]]) -> None:
        nonlocal current, best, reruns
        if reruns >= MAX_RERUNS:
            return
        reruns += 1
        found = fails(candidate)
        if found is not None:  # shorter and failing: its calls up to the failing one
            current, best = found.ops[: found.i + 1], found

    alone = [op for op in current if op["net"] == current[-1]["net"]]
    if len(alone) < len(current):
        attempt(alone)
    j = len(current) - 2
    while j >= 0:
        candidate = current[:j] + current[j + 1 :]
        dropped = current[j]
        still_used = dropped["op"] == "new" and any(op["net"] == dropped["net"] for op in candidate)
        if not still_used and any(op["op"] != "new" for op in candidate):
            attempt(candidate)
        j = min(j - 1, len(current) - 2)
    if best is None:
        return failure
    return SequenceFailure(
        best.text, best.finding, current, best.i, best.dtype, reruns, shrunk_from=failure
    )


@dataclass
class Found:
    """What a sequence's calls found besides torch's values."""

    notes: list[Finding] = field(default_factory=list)
    known: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Call:
    """One call of a program, what came of it, and the network's state before it."""

    ops: list[dict[str, Any]]
    i: int
    done: dict[str, Any]
    weights: Params
    options: dict[str, np.ndarray]
    network: Record


def _judge_call(call: Call, dtype: str, expect: str, where: str, found: Found) -> None:
    """One call judged alone, from the weights before it; a failure raises."""
    ops, i, done = call.ops, call.i, call.done
    op, name = ops[i], ops[i]["op"]
    if not _valid(op, call.weights, call.options):
        return  # the network diverged (a break judged where it did): no input now
    if name in NETWORK_CALLS and _saturated(op, call.weights, call.options, dtype):
        return  # where the tutorial's formulas break: the fixed edge checks judge that
    if "raised" in done:
        kind, message = done["raised"]
        _fail(ops, i, dtype, f"{where}: the implementation raised {kind}: {message}")
    if done["arguments_changed"]:
        changed = ", ".join(done["arguments_changed"])
        _fail(ops, i, dtype, f"{where}: {name} changed its argument {changed} in place")
    if name not in ("update_weights", "train_step") and done["weights_changed"]:
        _fail(ops, i, dtype, f"{where}: {name} changed the network's weights")
    rec, a, expected = _expected(op, call.weights, call.options, call.network)
    got = _got(op, done)
    # A sequence's values are not kept in its result (a rerun of its seed makes them again):
    # its calls' hundreds of arrays would outweigh every other check's in a saved report.
    with np.errstate(all="ignore"), observing():
        for quantity, torch_value in expected.items():
            if quantity not in got:
                continue
            value = got[quantity]
            # The tutorial's own value first: grading a wrong one costs the exact values and
            # the slip catalogue.
            where_q: dict[str, Any] = {"layer": rec.name, "quantity": quantity, "inputs": {}}
            differs = mismatch(value, torch_value, dtype=np.dtype(dtype), **where_q)
            tutorials = expect == "tutorial" and differs is not None
            if tutorials and _the_tutorials(rec, a, quantity, value, torch_value, dtype):
                text = f"{quantity}: the tutorial's own value, at {where}"
                known = Finding(rec.name, quantity, Grade.KNOWN, TUTORIALS, cause=CAUSE, text=text)
                found.known.append(known)
                continue
            v = judge(rec, a, quantity, value, torch_value, np.dtype(dtype), expect)
            if v.grade == Grade.WRONG:  # either expectation: torch's tolerance fails torch
                v = _as_close_as_torch(v, rec, a, value, torch_value, dtype)
            if v.grade == Grade.WRONG and expect == "tutorial":
                if _as_close_as_the_tutorial(rec, a, quantity, value, torch_value, dtype):
                    text = f"{quantity}: as close to the exact value as the tutorial's, at {where}"
                    known = Finding(
                        rec.name, quantity, Grade.KNOWN, TUTORIALS, cause=CAUSE, text=text
                    )
                    found.known.append(known)
                    continue
            if v.grade == Grade.WRONG:
                _fail(ops, i, dtype, f"{where}:\n{v.text}", v)
            if v.grade not in (Grade.MATCHES_TORCH, Grade.KNOWN):
                found.notes.append(v)


class SequenceFailure(CheckFailure):
    """A sequence's failing call: its program, the call's index, and the calls to paste and
    run in the message (after a shrink, the shortest program found, and from what)."""

    text: str
    finding: Finding | None
    ops: list[dict[str, Any]]
    i: int
    dtype: str

    def __init__(
        self,
        text: str,
        finding: Finding | None,
        ops: list[dict[str, Any]],
        i: int,
        dtype: str,
        reruns: int = 0,
        shrunk_from: SequenceFailure | None = None,
    ) -> None:
        script = _script(ops, i, dtype)
        how = "the calls, to paste and run:"
        if shrunk_from is not None:
            how = (
                f"shrunk by search ({reruns} rerun{'s' * (reruns != 1)}, in the "
                "implementation's process after the "
                f"checks before it) from {shrunk_from.i + 1} calls to {i + 1}, which fail the "
                f"same way there; {how}"
            )
        message = f"{text}\n  {how}\n" + "\n".join("    " + line for line in script.splitlines())
        layer = finding.layer if finding is not None else "the network"
        quantity = finding.quantity if finding is not None else "state between calls"
        super().__init__(message, layer, quantity, (finding,) if finding is not None else ())
        self.text, self.finding, self.ops, self.i, self.dtype = text, finding, ops, i, dtype


def _fail(
    ops: list[dict[str, Any]], i: int, dtype: str, text: str, finding: Finding | None = None
) -> None:
    raise SequenceFailure(text, finding, ops, i, dtype)


def budget(record: Record, programs: int = SEQUENCES) -> int:
    """Programs a dtype: the two-layer network's calls cost torch more (two layers, batches),
    so it gets half as many."""
    return programs if record is NETWORK else max(1, programs // 2)


def generate(ctx: Context) -> Iterator[Check]:
    for record in (NETWORK, TWO_LAYER):
        if record not in ctx.records:
            continue
        paths = ctx.paths(record)
        for dtype in DTYPES:
            for seed in range(budget(record)):
                check_id = f"sequence-{record.name}-{dtype}-seed{seed}"
                yield _sequence(check_id, record, seed, dtype, paths, ctx.expect)
