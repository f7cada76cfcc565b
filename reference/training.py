"""Training side by side (the main job, ``verify``): an implementation and its torch twin
(built from the implementation's own layers) from the same initial weights, for the
tutorial's network or the two-layer one, per sample or in mini-batches; and a named
convention's run, the witness for a run that parts from torch's because it follows that
convention.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from reference import oracle
from reference.records.grown import ACTIVATIONS, TWO_LAYER
from reference.records.tutorial import NETWORK
from reference.tolerances import tolerance
from reference.twin import LayerSpec, SequentialTwin, layer_specs
from scratch.data import DATA_SETS, batches, samples


@dataclass
class Trajectory:
    """Both sides' epoch losses, their weights' largest differences after each epoch, the
    final (W, b) of each side, and the exception that stopped the implementation, if any."""

    impl_loss: list[float] = field(default_factory=list)
    torch_loss: list[float] = field(default_factory=list)
    max_dw: list[float] = field(default_factory=list)
    max_db: list[float] = field(default_factory=list)
    # The largest |W| and |b| of torch's weights after each epoch: the scale of the bound.
    w_scale: list[float] = field(default_factory=list)
    b_scale: list[float] = field(default_factory=list)
    impl_weights: tuple[np.ndarray, ...] = ()
    torch_weights: tuple[np.ndarray, ...] = ()
    crash: str | None = None

    def report(self) -> dict[str, list[float]]:
        return {k: getattr(self, k) for k in ("impl_loss", "torch_loss", "max_dw", "max_db")}


def _max_abs(a: np.ndarray, b: np.ndarray) -> float:
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))
    return float("nan") if np.isnan(d).any() else float(d.max())


NETWORKS = ("tutorial", "two-layer")


@dataclass(frozen=True)
class Setup:
    """What is trained, and on what: the tutorial's ``MyNetwork`` or a ``TwoLayerNetwork``
    (its hidden width and activation), the loss's reduction, the batch size (1: the tutorial's
    per-sample loop) and the data set (``scratch.data.DATA_SETS``)."""

    network: str = "tutorial"
    hidden: int = 8
    activation: str = "relu"
    reduction: str = "sum"
    batch_size: int = 1
    data: str = "tutorial"

    def problems(self) -> list[str]:
        """What makes this setup impossible, one line each."""
        out = []
        if self.network == "tutorial" and self.reduction != "sum":
            out.append(
                "the tutorial's MyNetwork sums its loss: --reduction mean needs --network two-layer"
            )
        if self.network == "tutorial" and (self.hidden, self.activation) != (8, "relu"):
            out.append("--hidden and --activation need --network two-layer")
        if self.hidden < 1 or self.batch_size < 1:
            out.append("--hidden and --batch-size must be at least 1")
        return out

    @property
    def attributes(self) -> tuple[str, ...]:
        """The network's layers, in forward order."""
        if self.network == "tutorial":
            return ("linear1", "sigmoid")
        return ("linear1", "activation", "linear2", "sigmoid")

    @property
    def needs(self) -> tuple[str, ...]:
        return NETWORK.needs if self.network == "tutorial" else TWO_LAYER.needs

    def samples(self, dtype: Any) -> list[tuple[np.ndarray, np.ndarray]]:
        return DATA_SETS[self.data](dtype)

    def batches(self, dtype: Any) -> list[tuple[np.ndarray, np.ndarray]]:
        return batches(self.samples(dtype), self.batch_size)

    def sizes(self) -> tuple[int, ...]:
        """The width of each layer's input, then the output's: (3, 4), or (3, 8, 4)."""
        x, y = self.samples(np.float32)[0]
        if self.network == "tutorial":
            return (x.size, y.size)
        return (x.size, self.hidden, y.size)

    def initial_params(self, seed: int, dtype: Any) -> dict[str, np.ndarray]:
        """W then b of each Linear in turn, drawn by np.random.randn under np.random.seed(seed)
        in float32 (as the tutorial's Linear draws them), then cast."""
        np.random.seed(seed)
        sizes = self.sizes()
        out = {}
        for k, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
            suffix = "" if len(sizes) == 2 else str(k + 1)
            out["W" + suffix] = np.random.randn(fan_out, fan_in).astype(np.float32).astype(dtype)
            out["b" + suffix] = np.random.randn(fan_out).astype(np.float32).astype(dtype)
        return out

    def build(self, impl: ModuleType, seed: int, dtype: Any) -> Any:
        """The implementation's network, made under np.random.seed(seed), weights cast."""
        np.random.seed(seed)
        sizes = self.sizes()
        if self.network == "tutorial":
            net = impl.MyNetwork(*sizes)
        else:
            net = impl.TwoLayerNetwork(*sizes, activation=self.activation, reduction=self.reduction)
        self.set_params(net, {k: np.asarray(v).astype(dtype) for k, v in self.params(net).items()})
        return net

    def linears(self, net: Any) -> dict[str, Any]:
        """Each Linear by the suffix of its parameters' names ("" or "1", "2")."""
        names = [a for a in self.attributes if a.startswith("linear")]
        if len(names) == 1:
            return {"": getattr(net, names[0])}
        return {name.removeprefix("linear"): getattr(net, name) for name in names}

    def params(self, net: Any) -> dict[str, np.ndarray]:
        out = {}
        for suffix, linear in self.linears(net).items():
            out["W" + suffix], out["b" + suffix] = linear.weight, linear.bias
        return out

    def set_params(self, net: Any, params: dict[str, np.ndarray]) -> None:
        for suffix, linear in self.linears(net).items():
            linear.weight, linear.bias = params["W" + suffix].copy(), params["b" + suffix].copy()

    def specs(self, params: dict[str, np.ndarray]) -> list[LayerSpec]:
        """The network as torch layer specs, from its parameters (not from an implementation)."""
        if self.network == "tutorial":
            return [("Linear", (params["W"], params["b"])), ("Sigmoid", ())]
        return [
            ("Linear", (params["W1"], params["b1"])),
            (ACTIVATIONS[self.activation].name, ()),
            ("Linear", (params["W2"], params["b2"])),
            ("Sigmoid", ()),
        ]

    def twin(self, net: Any, lr: float, device: str, dtype: Any) -> SequentialTwin:
        """torch's twin of the implementation's network: its own layers, mapped one by one."""
        specs = layer_specs(net, self.attributes)
        return SequentialTwin(specs, self.reduction, lr, device, dtype)


def _split(params: dict[str, np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The weights and the biases."""
    return [v for k, v in params.items() if k[0] == "W"], [
        v for k, v in params.items() if k[0] == "b"
    ]


def _max_abs_all(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(_max_abs(x, y) for x, y in zip(a, b, strict=True))


def torch_run(
    twin: SequentialTwin, data: list[tuple[np.ndarray, np.ndarray]], epochs: int
) -> tuple[list[float], list[dict[str, np.ndarray]]]:
    """torch's epoch losses (each the sum of its batches' losses), and its weights after each
    epoch."""
    losses, params = [], []
    for _ in range(epochs):
        losses.append(sum(twin.step(x, y) for x, y in data))
        params.append(twin.params())
    return losses, params


def impl_run(
    impl: ModuleType, seed: int, epochs: int, lr: float, dtype: Any, setup: Setup = Setup()
) -> dict[str, Any]:
    """The implementation's side of a run, as data: its network's layers as torch specs (read
    from its own layers before training), each epoch's loss and weights, its final weights,
    and the exception that ended it, if one did."""
    dtype = np.dtype(dtype)
    net = setup.build(impl, seed, dtype)
    try:
        specs = layer_specs(net, setup.attributes)
    except ValueError as exc:  # a layer with no torch mapping
        return {"no_mapping": str(exc)}
    data = setup.batches(dtype)
    losses: list[float] = []
    params: list[dict[str, np.ndarray]] = []
    crash = None
    for epoch in range(epochs):
        total = 0.0
        try:
            with np.errstate(all="ignore"):  # a divergent run is reported, not warned about
                for x, y in data:
                    total += float(net.forward_loss(x, y))
                    net.update_weights(x, y, lr)
        except Exception as exc:
            crash = f"epoch {epoch}: the implementation raised {exc!r}"
            break
        losses.append(total)
        params.append({k: np.array(v, copy=True) for k, v in setup.params(net).items()})
    final = {k: np.array(v, copy=True) for k, v in setup.params(net).items()}
    return {
        "specs": [[kind, list(weights)] for kind, weights in specs],
        "losses": losses,
        "params": params,
        "final": final,
        "crash": crash,
    }


def side_by_side(
    run: dict[str, Any], epochs: int, lr: float, dtype: Any, device: str, setup: Setup = Setup()
) -> Trajectory:
    """torch's side of a run: its twin built from the implementation's own layers, trained on
    the same data from the same weights, and both sides' trajectories compared."""
    dtype = np.dtype(dtype)
    specs: list[LayerSpec] = [(kind, tuple(np.asarray(w) for w in ws)) for kind, ws in run["specs"]]
    twin = SequentialTwin(specs, setup.reduction, lr, device, dtype)
    torch_losses, torch_params = torch_run(twin, setup.batches(dtype), epochs)
    t = Trajectory(crash=run["crash"])
    for epoch, (total, params) in enumerate(zip(run["losses"], run["params"], strict=True)):
        weights, biases = _split(torch_params[epoch])
        mine_w, mine_b = _split(params)
        t.impl_loss.append(total)
        t.torch_loss.append(torch_losses[epoch])
        t.max_dw.append(_max_abs_all(mine_w, weights))
        t.max_db.append(_max_abs_all(mine_b, biases))
        t.w_scale.append(max(float(np.abs(w).max()) for w in weights))
        t.b_scale.append(max(float(np.abs(b).max()) for b in biases))
    t.impl_weights = tuple(run["final"].values())
    t.torch_weights = tuple(torch_params[len(t.impl_loss) - 1].values()) if t.impl_loss else ()
    return t


def two_versions(new: dict[str, Any], old: dict[str, Any]) -> Trajectory:
    """Two implementations' runs from the same weights, compared as :func:`side_by_side`
    compares one with torch: the new version's losses as ``impl_loss``, the old one's as
    ``torch_loss``, the old one's weights the scale; as long as both ran."""
    t = Trajectory(crash=new["crash"] or old["crash"])
    for total, other, params, others in zip(
        new["losses"], old["losses"], new["params"], old["params"], strict=False
    ):
        (mine_w, mine_b), (old_w, old_b) = _split(params), _split(others)
        t.impl_loss.append(total)
        t.torch_loss.append(other)
        t.max_dw.append(_max_abs_all(mine_w, old_w))
        t.max_db.append(_max_abs_all(mine_b, old_b))
        t.w_scale.append(max(float(np.abs(np.asarray(w, np.float64)).max()) for w in old_w))
        t.b_scale.append(max(float(np.abs(np.asarray(b, np.float64)).max()) for b in old_b))
    return t


def bounds(t: Trajectory, dtype: Any) -> dict[str, list[float]]:
    """Each epoch's tolerance of each quantity, norm-wise: atol + rtol * the largest torch
    value (the tolerance table's trajectory and trained-weights rows)."""
    loss_tol, w_tol = tolerance(dtype, "trajectory"), tolerance(dtype, "trained weights")
    return {
        "loss": [loss_tol.atol + loss_tol.rtol * abs(b) for b in t.torch_loss],
        "W": [w_tol.atol + w_tol.rtol * scale for scale in t.w_scale],
        "b": [w_tol.atol + w_tol.rtol * scale for scale in t.b_scale],
    }


def first_parting(t: Trajectory, dtype: Any) -> dict[str, Any] | None:
    """The first epoch where the loss or the weights part beyond the tolerance table."""
    bound = bounds(t, dtype)
    errors = {
        "loss": [abs(a - b) for a, b in zip(t.impl_loss, t.torch_loss, strict=True)],
        "W": t.max_dw,
        "b": t.max_db,
    }
    for epoch in range(len(t.impl_loss)):
        for quantity, err in errors.items():
            if not err[epoch] <= bound[quantity][epoch]:  # NaN parts too
                return {
                    "epoch": epoch,
                    "quantity": quantity,
                    "error": err[epoch],
                    "bound": bound[quantity][epoch],
                }
    return None


def convention_run(
    weight: np.ndarray, bias: np.ndarray, epochs: int, lr: float, dtype: Any, convention: str
) -> tuple[list[float], np.ndarray, np.ndarray]:
    """The tutorial's training run under a named convention of the loss (reference.oracle),
    computed in float64 from the same initial weights: the witness for an implementation whose
    run parts from torch's because it follows that convention, not because it is wrong."""
    low, high = (float(np.asarray(v, dtype)) for v in (oracle.KERAS_EPS, 1 - oracle.KERAS_EPS))
    w, b = np.asarray(weight, np.float64).copy(), np.asarray(bias, np.float64).copy()
    data = samples(np.float64)
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            total = 0.0
            for x, y in data:
                s = 1 / (1 + np.exp(-(w @ x + b)))
                if convention == oracle.EPS_CLIP:
                    p = np.clip(s, low, high)
                    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))
                    grad = (p - y) / (p * (1 - p)) * s * (1 - s)
                else:  # the clip of the finished loss: the loss clipped, the gradient exact
                    loss = np.minimum(-(y * np.log(s) + (1 - y) * np.log(1 - s)), 100)
                    grad = s - y
                total += float(loss.sum())
                w -= lr * np.outer(grad, x)
                b -= lr * grad
            losses.append(total)
    return losses, w, b
