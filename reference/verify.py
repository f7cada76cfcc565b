"""The main job: train an implementation and its torch twin side by side, and say where they part.

``python -m reference verify [--impl SPEC] ...`` prints a table at intervals, the first epoch at
which the two part beyond tolerance, the tutorial's published losses when the settings are the
tutorial's, and the verdict of the edge grid; writes ``report.json`` (deterministic: the same
arguments give the same bytes) and ``verify.png``; exits 0 on agreement, 1 on divergence, 2 when
the implementation breaks the tutorial's API.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from reference import impl as impl_side
from reference.cases import edge_points
from reference.edges import judge_edge
from reference.tolerances import tolerance
from reference.twin import TorchTwin
from scratch.data import IN_FEATURES, LR, OUT_FEATURES, PUBLISHED_LOSSES, SEED, samples

AGREE, DIVERGE, CONTRACT = 0, 1, 2


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
    with np.errstate(invalid="ignore"):
        d = np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))
    return float("nan") if np.isnan(d).any() else float(d.max())


def train_side_by_side(
    impl: ModuleType, seed: int, epochs: int, lr: float, dtype: Any, device: str
) -> Trajectory:
    """Both trained on the tutorial's data from the implementation's own initial weights
    (cast to dtype); an exception the implementation raises ends the run, and is recorded."""
    np.random.seed(seed)
    net = impl.MyNetwork(IN_FEATURES, OUT_FEATURES)
    net.linear1.weight = net.linear1.weight.astype(dtype)
    net.linear1.bias = net.linear1.bias.astype(dtype)
    twin = TorchTwin.from_network(net, lr, device, dtype)
    data = samples(dtype)
    t = Trajectory()
    for epoch in range(epochs):
        if epochs >= 500 and epoch % (epochs // 10) == 0 and epoch:
            print(f"  ... epoch {epoch}/{epochs}", file=sys.stderr, flush=True)
        total = 0.0
        try:
            with np.errstate(all="ignore"):  # a divergent run is reported, not warned about
                for x, y in data:
                    total += float(net.forward_loss(x, y))
                    net.update_weights(x, y, lr)
        except Exception as exc:
            t.crash = f"epoch {epoch}: the implementation raised {exc!r}"
            break
        t.impl_loss.append(total)
        t.torch_loss.append(sum(twin.step(x, y) for x, y in data))
        t.max_dw.append(_max_abs(net.linear1.weight, twin.weight))
        t.max_db.append(_max_abs(net.linear1.bias, twin.bias))
        t.w_scale.append(float(np.abs(twin.weight).max()))
        t.b_scale.append(float(np.abs(twin.bias).max()))
    t.impl_weights = (net.linear1.weight, net.linear1.bias)
    t.torch_weights = (twin.weight, twin.bias)
    return t


def first_parting(t: Trajectory, dtype: Any) -> dict[str, Any] | None:
    """The first epoch where the loss or the weights part beyond the tolerance table."""
    loss_tol, w_tol = tolerance(dtype, "trajectory"), tolerance(dtype, "trained weights")
    rows = zip(t.impl_loss, t.torch_loss, t.max_dw, t.max_db, t.w_scale, t.b_scale, strict=True)
    for epoch, (a, b, dw, db, w_scale, b_scale) in enumerate(rows):
        # Norm-wise: the largest difference against atol + rtol * the largest torch value.
        checks = {
            "loss": (abs(a - b), loss_tol.atol + loss_tol.rtol * abs(b)),
            "W": (dw, w_tol.atol + w_tol.rtol * w_scale),
            "b": (db, w_tol.atol + w_tol.rtol * b_scale),
        }
        for quantity, (err, bound) in checks.items():
            if not err <= bound:  # NaN parts too
                return {"epoch": epoch, "quantity": quantity, "error": err, "bound": bound}
    return None


def edge_verdicts(impl: ModuleType, device: str) -> dict[str, list[str]]:
    """The edge grid: points that match torch, known divergences, and failures."""
    out: dict[str, list[str]] = {"match": [], "known": [], "fail": []}
    for point in edge_points():
        verdict = judge_edge(point, impl, device)
        out["known"] += [f"{point.id} {known}" for known in verdict.known]
        out["fail"] += [report.splitlines()[0] + f" at {point.id}" for report in verdict.failures]
        if not (verdict.known or verdict.failures):
            out["match"].append(point.id)
    return out


def report_epochs(epochs: int) -> list[int]:
    """0, 1, 2, 5, 10, 20, 50, ... and the last epoch."""
    marks = {0, epochs - 1}
    step = 1
    while step < epochs:
        marks.update(m for m in (step, 2 * step, 5 * step) if m < epochs)
        step *= 10
    return sorted(marks)


def published_comparison(t: Trajectory) -> list[dict[str, float]]:
    rows = []
    for epoch, published in PUBLISHED_LOSSES.items():
        ulp = float(np.spacing(np.float32(published)))
        rows.append(
            {
                "epoch": epoch,
                "published": published,
                "impl": t.impl_loss[epoch],
                "torch": t.torch_loss[epoch],
                "impl_ulps": (t.impl_loss[epoch] - published) / ulp,
                "torch_ulps": (t.torch_loss[epoch] - published) / ulp,
            }
        )
    return rows


def plot(t: Trajectory, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = np.arange(len(t.impl_loss))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    top.plot(epochs, t.torch_loss, label="torch twin", lw=2.5, alpha=0.6)
    top.plot(epochs, t.impl_loss, label="implementation", lw=1, ls="--")
    top.set(ylabel="epoch loss", yscale="log", title=title)
    top.legend()
    diff = np.abs(np.subtract(t.impl_loss, t.torch_loss))
    bottom.plot(epochs, np.where(diff > 0, diff, np.nan), label="|Δloss|")
    bottom.plot(epochs, t.max_dw, label="max |ΔW|")
    bottom.plot(epochs, t.max_db, label="max |Δb|")
    bottom.set(xlabel="epoch", ylabel="divergence", yscale="log")
    bottom.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def _strict(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as the strings "nan", "inf", "-inf"."""
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v) for v in value]
    return value


@dataclass(frozen=True)
class Settings:
    impl: str
    seed: int = SEED
    epochs: int = 2000
    lr: float = LR
    dtype: str = "float32"
    device: str = "cpu"

    @property
    def is_tutorial(self) -> bool:
        return (self.seed, self.epochs, self.lr, self.dtype) == (SEED, 2000, LR, "float32")


def verify(settings: Settings, out_dir: Path) -> int:
    """Run the main job; print the report; write report.json and verify.png; return the code."""
    s = settings
    try:
        impl = impl_side.load_impl(s.impl)
    except impl_side.ContractError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return CONTRACT
    print(
        f"verify {s.impl} against torch.nn: seed {s.seed}, {s.epochs} epochs, lr {s.lr:g}, "
        f"{s.dtype}, {s.device}"
    )
    traj = train_side_by_side(impl, s.seed, s.epochs, s.lr, np.dtype(s.dtype), s.device)
    crash = traj.crash
    parting = first_parting(traj, s.dtype)

    print(
        f"\n{'epoch':>6} {'impl loss':>14} {'torch loss':>14} {'|Δloss|':>10} "
        f"{'max|ΔW|':>10} {'max|Δb|':>10}"
    )
    for e in report_epochs(len(traj.impl_loss)):
        print(
            f"{e:>6} {traj.impl_loss[e]:>14.9g} {traj.torch_loss[e]:>14.9g} "
            f"{abs(traj.impl_loss[e] - traj.torch_loss[e]):>10.3g} "
            f"{traj.max_dw[e]:>10.3g} {traj.max_db[e]:>10.3g}"
        )
    published = published_comparison(traj) if s.is_tutorial and crash is None else []
    if published:
        print("\nthe tutorial's published losses (float32 ulps from the published figure):")
        for r in published:
            print(
                f"  epoch {r['epoch']}: published {r['published']!r}; implementation "
                f"{r['impl']!r} ({r['impl_ulps']:+.2f} ulp); torch {r['torch']!r} "
                f"({r['torch_ulps']:+.2f} ulp)"
            )
    edges = edge_verdicts(impl, s.device)
    print(
        f"\nedge grid ({len(edge_points())} points): {len(edges['match'])} match torch in every "
        f"quantity; {len(edges['known'])} quantities at known divergences; "
        f"{len(edges['fail'])} unexplained differences"
    )
    for line in edges["fail"][:10]:
        print(f"  FAIL {line}")

    verdict = AGREE
    if parting:
        print(
            f"\nDIVERGES: from epoch {parting['epoch']}, {parting['quantity']} parts from torch "
            f"by {parting['error']:.3g} (tolerance {parting['bound']:.3g})"
        )
        verdict = DIVERGE
    if crash:
        print(f"{'' if parting else chr(10)}DIVERGES: the run stopped at {crash}")
        verdict = DIVERGE
    if edges["fail"]:
        print(f"DIVERGES at the edges: {len(edges['fail'])} unexplained differences")
        verdict = DIVERGE
    if verdict == AGREE:
        print(
            "\nAGREES with torch within tolerance over the whole run; "
            f"{len(edges['known'])} known divergences at the edges (see the README's register)"
        )

    out_dir.mkdir(parents=True, exist_ok=True)
    report = {
        "settings": asdict(s),
        "verdict": ["agree", "diverge"][verdict],
        "crash": crash,
        "first_parting": parting,
        "published": published,
        "edges": edges,
        "trajectory": traj.report(),
    }
    (out_dir / "report.json").write_text(json.dumps(_strict(report), indent=1) + "\n")
    plot(traj, out_dir / "verify.png", f"{s.impl} vs torch.nn ({s.dtype}, lr {s.lr:g})")
    print(f"wrote {out_dir / 'report.json'} and {out_dir / 'verify.png'}")
    return verdict
