"""The main job: train an implementation and its torch twin side by side, and say where they part.

``python -m reference verify [--impl SPEC] ...`` prints a table at intervals, the first epoch at
which the two part beyond tolerance, the tutorial's published losses when the settings are the
tutorial's, and the verdict of the edge grid; writes ``report.json`` (deterministic: the same
arguments give the same bytes) and ``verify.png``; exits 0 on agreement, 1 on divergence, 2 when
the implementation breaks the tutorial's API. With ``--against OLD`` (a file, a module, a git
revision of a file) the old version trains too, from the same weights: the table has its
losses, the report says at which epoch the two versions part, and the picture draws all three
runs (exit as for the new version alone).
"""

from __future__ import annotations

import json
import sys
import textwrap
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from reference.checks import all_checks, result_of
from reference.checks.base import Profile
from reference.checks.edges import judge_edge
from reference.isolation import Stopped, Subject
from reference.records import ALL, TUTORIAL, EdgePoint, Record, edge_points
from reference.results import Status
from reference.training import (
    Setup,
    Trajectory,
    bounds,
    first_parting,
    side_by_side,
    two_versions,
)
from reference.verdicts import summary_line
from reference.versions import Old, VersionError, resolve
from scratch.data import LR, PUBLISHED_LOSSES, SEED

AGREE, DIVERGE, CANNOT_RUN = 0, 1, 2
PROCESS_STOPPED = "stopped: "  # how _trained says that a run stopped the process


def checked_layers(profile: Profile, setup: Setup) -> tuple[Record, ...]:
    """The tutorial's records for its network; for the two-layer network, every record that
    applies to the implementation (its layers on batches, its activations, the network)."""
    if setup.network == "tutorial":
        return TUTORIAL
    return tuple(layer for layer in ALL if profile.of_record(layer)[0])


def edge_verdicts(
    impl: Subject, device: str, expect: str, points: list[EdgePoint]
) -> dict[str, list[str]]:
    """The edge grid, graded: points that match torch, passes that differ from torch (closer
    to the mathematics, a named convention), known divergences, and failures with the exact
    value and each side's error in ulps. The implementation's values come from its process
    (each point's edge check's drive), the verdicts from this one."""
    ids = []
    for point in points:
        path = impl.profile.of_record(point.record)[1][0]
        ids.append(f"edge-{point.id}-" + "-".join(p for p in (path, "cpu") if p))
    out: dict[str, list[str]] = {"match": [], "graded": [], "known": [], "fail": []}
    for point, driven in zip(points, impl.drive(ids), strict=True):
        raised = driven.raised
        outcome = driven.data if raised is None else {"raised": f"{raised[0]}({raised[1]!r})"}
        verdict = judge_edge(point, outcome, device, expect=expect)
        out["known"] += [f"{point.id} {known.text}" for known in verdict.known]
        out["graded"] += [f"{point.id} {note.text}" for note in verdict.notes]
        out["fail"] += [summary_line(f, point.dtype, point.id) for f in verdict.failures]
        if not (verdict.known or verdict.failures or verdict.notes):
            out["match"].append(point.id)
    return out


def first_wrong_quantity(
    impl: Subject, expect: str, layers: tuple[Record, ...]
) -> dict[str, str] | None:
    """Which quantity is wrong: the first failing check of each layer's partials (a whole
    run only says that the loss or the weights parted, and the loss parts first)."""
    checks = [
        c
        for c in all_checks(expect=expect, devices=("cpu",), layers=layers, profile=impl.profile)
        if c.id.startswith(("partials-", "edge-"))
    ]
    for check, driven in zip(checks, impl.drive([c.id for c in checks]), strict=True):
        result = result_of(check, driven)
        if result.status == Status.FAILED:
            return {"check": result.check, "layer": result.layer, "quantity": result.quantity}
    return None


def report_epochs(epochs: int) -> list[int]:
    """0, 1, 2, 5, 10, 20, 50, ... and the last epoch (none where no epoch finished)."""
    if epochs == 0:
        return []
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


def plot(t: Trajectory, path: Path, title: str, dtype: str, old: Trajectory | None = None) -> None:
    fig = figure(t, title, dtype, old)
    import matplotlib.pyplot as plt  # after figure() chose the Agg backend

    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def figure(t: Trajectory, title: str, dtype: str, old: Trajectory | None = None) -> Any:
    """Both loss curves (and the old version's, against OLD) over the epochs, and each
    version's divergence from torch under the tolerance it is judged by."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    top.plot(t.torch_loss, label="torch twin", lw=2.5, alpha=0.6)
    top.plot(t.impl_loss, label="implementation" if old is None else "new version", lw=1, ls="--")
    runs = [("", t)]
    if old is not None:
        top.plot(old.impl_loss, label="old version", lw=1, ls=":")
        runs = [("new ", t), ("old ", old)]
    # Wrapped to the figure's width: a two-layer setup's title is longer than one line.
    top.set(ylabel="epoch loss", yscale="log", title=textwrap.fill(title, 72))
    top.legend()
    for name, run in runs:
        diff = np.abs(np.subtract(run.impl_loss, run.torch_loss))
        ls = ":" if name == "old " else "-"
        # One colour a quantity, the old version's dotted.
        bottom.plot(np.where(diff > 0, diff, np.nan), f"C0{ls}", label=f"{name}|Δloss|")
        bottom.plot(run.max_dw, f"C1{ls}", label=f"{name}max |ΔW|")
        bottom.plot(run.max_db, f"C2{ls}", label=f"{name}max |Δb|")
    # The tolerances first_parting judges by: a curve above its line has parted from torch.
    for quantity, colour in (("loss", "C0"), ("W", "C1"), ("b", "C2")):
        label = f"tolerance {quantity}"
        bottom.plot(bounds(t, dtype)[quantity], colour, lw=0.8, ls="-.", alpha=0.5, label=label)
    bottom.set(xlabel="epoch", ylabel="divergence from torch", yscale="log")
    bottom.legend(ncol=2 if old is not None else 1, fontsize="small")
    fig.tight_layout()
    return fig


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
    expect: str = "tutorial"
    setup: Setup = field(default_factory=Setup)
    against: str = ""  # the old version, trained beside the new one

    @property
    def is_tutorial(self) -> bool:
        settings = (self.seed, self.epochs, self.lr, self.dtype, self.setup)
        return settings == (SEED, 2000, LR, "float32", Setup())


def verify(settings: Settings, out_dir: Path) -> int:
    """Run the main job; print the report; write report.json and verify.png; return the code."""
    s = settings
    old: Old | None = None
    try:
        if s.against:
            old = resolve(s.against)
            if old.report is not None:
                raise VersionError(f"verify --against {s.against}: a report holds no code to train")
        impl = Subject(s.impl)  # each implementation runs in a process of its own
        impl.ready()
        previous = Subject(old.spec) if old is not None else None
        if previous is not None:
            previous.ready()
    except (Stopped, VersionError) as exc:
        print(f"error: {getattr(exc, 'what', exc)}", file=sys.stderr)
        if old is not None:
            old.close()
        return CANNOT_RUN
    try:
        with impl:
            return _verify(s, impl, out_dir, previous)
    finally:
        if previous is not None:
            previous.close()
        if old is not None:
            old.close()


def _trained(s: Settings, impl: Subject, name: str) -> dict[str, Any] | str:
    """An implementation's run as data, or why it could not be trained."""
    lacks = impl.call("missing", needs=list(s.setup.needs)).data
    if lacks:
        return f"{name} breaks the tutorial's API; missing: {', '.join(lacks)}"
    try:
        run = impl.call(
            "train", seed=s.seed, epochs=s.epochs, lr=s.lr, dtype=s.dtype, setup=asdict(s.setup)
        )
    except Stopped as stopped:
        who = f"the process of {name}" if s.against else "the implementation's process"
        return f"{PROCESS_STOPPED}{who} {stopped}"
    if run.raised is not None:  # made before its first epoch: the network's constructor
        return f"{name} raised {run.raised[0]} building its network: {run.raised[1]}"
    if "no_mapping" in run.data:  # a layer with no torch mapping
        return str(run.data["no_mapping"])
    data: dict[str, Any] = run.data
    return data


def _verify(s: Settings, impl: Subject, out_dir: Path, previous: Subject | None = None) -> int:
    setup = s.setup
    network = (
        "MyNetwork"
        if setup.network == "tutorial"
        else (f"TwoLayerNetwork(hidden {setup.hidden}, {setup.activation}, {setup.reduction})")
    )
    against = f" (and the old version {s.against})" if s.against else ""
    print(
        f"verify {s.impl} against torch.nn{against}: {network}, batch size {setup.batch_size}, "
        f"{setup.data} data, seed {s.seed}, {s.epochs} epochs, lr {s.lr:g}, {s.dtype}, {s.device}"
    )
    runs = {}
    for name, subject in ((s.impl, impl), (s.against, previous)):
        if subject is None:
            continue
        trained = _trained(s, subject, name)
        if isinstance(trained, str):
            if trained.startswith(PROCESS_STOPPED):
                print(f"DIVERGES: {trained.removeprefix(PROCESS_STOPPED)}")
                return DIVERGE
            print(f"error: {trained}", file=sys.stderr)
            return CANNOT_RUN
        runs[name] = trained
    run = runs[s.impl]
    traj = side_by_side(run, s.epochs, s.lr, np.dtype(s.dtype), s.device, setup)
    crash = traj.crash
    parting = first_parting(traj, s.dtype)
    old_traj = apart = versions_parting = None
    if s.against:
        old_run = runs[s.against]
        old_traj = side_by_side(old_run, s.epochs, s.lr, np.dtype(s.dtype), s.device, setup)
        apart = two_versions(run, old_run)
        versions_parting = first_parting(apart, s.dtype)

    old_head = f" {'old loss':>14}" if old_traj is not None else ""
    mine = "impl loss" if old_traj is None else "new loss"
    print(
        f"\n{'epoch':>6} {mine:>14}{old_head} {'torch loss':>14} {'|Δloss|':>10} "
        f"{'max|ΔW|':>10} {'max|Δb|':>10}"
    )
    for e in report_epochs(len(traj.impl_loss)):
        old_loss = ""
        if old_traj is not None:
            old_loss = (
                f" {old_traj.impl_loss[e]:>14.9g}" if e < len(old_traj.impl_loss) else " " * 15
            )
        print(
            f"{e:>6} {traj.impl_loss[e]:>14.9g}{old_loss} {traj.torch_loss[e]:>14.9g} "
            f"{abs(traj.impl_loss[e] - traj.torch_loss[e]):>10.3g} "
            f"{traj.max_dw[e]:>10.3g} {traj.max_db[e]:>10.3g}"
        )
    if apart is not None:
        if versions_parting:
            p = versions_parting
            print(
                f"\nthe two versions part from epoch {p['epoch']}: {p['quantity']} by "
                f"{p['error']:.3g} (tolerance {p['bound']:.3g})"
            )
        else:
            print(f"\nthe two versions agree within tolerance over {len(apart.impl_loss)} epochs")
    published = published_comparison(traj) if s.is_tutorial and crash is None else []
    if published:
        print("\nthe tutorial's published losses (float32 ulps from the published figure):")
        for r in published:
            print(
                f"  epoch {r['epoch']}: published {r['published']!r}; implementation "
                f"{r['impl']!r} ({r['impl_ulps']:+.2f} ulp); torch {r['torch']!r} "
                f"({r['torch_ulps']:+.2f} ulp)"
            )
    layers = checked_layers(impl.profile, setup)
    points = edge_points(layers)
    edges = edge_verdicts(impl, s.device, s.expect, points)
    print(
        f"\nedge grid ({len(points)} points): {len(edges['match'])} match torch in every "
        f"quantity; {len(edges['graded'])} pass otherwise (closer to the mathematics, or a "
        f"named convention); {len(edges['known'])} quantities at known divergences; "
        f"{len(edges['fail'])} unexplained differences"
    )
    for line in edges["graded"][:10]:
        print(f"  PASS {line}")
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
    first_wrong = first_wrong_quantity(impl, s.expect, layers) if verdict == DIVERGE else None
    if first_wrong:
        print(
            f"the first wrong quantity, in the order a derivation is read: "
            f"{first_wrong['layer']} {first_wrong['quantity']} ({first_wrong['check']})"
        )
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
        "first_wrong": first_wrong,
        "trajectory": traj.report(),
    }
    if old_traj is not None:
        report["against"] = {
            "first_parting_of_the_versions": versions_parting,
            "trajectory": old_traj.report(),
        }
    (out_dir / "report.json").write_text(json.dumps(_strict(report), indent=1) + "\n")
    what = "" if setup.network == "tutorial" else f"{network}, batch {setup.batch_size}, "
    if not traj.impl_loss:  # the first epoch failed: nothing to draw
        print(f"wrote {out_dir / 'report.json'} (no epoch finished: no picture)")
        return verdict
    versus = f"{s.impl} (and {s.against})" if s.against else s.impl
    title = f"{versus} vs torch.nn ({what}{s.dtype}, lr {s.lr:g})"
    plot(traj, out_dir / "verify.png", title, s.dtype, old_traj)
    print(f"wrote {out_dir / 'report.json'} and {out_dir / 'verify.png'}")
    return verdict
