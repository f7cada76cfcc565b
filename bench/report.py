"""``python -m bench.report BENCH.json``: ratio tables and a picture from one benchmark run.

Every ratio is between medians measured in the same run, so the machine's noise cancels as far
as it can; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

IMPLS = (
    "tutorial",
    "stable",
    "compiled",
    "compiled-epoch",
    "jax",
    "jax-scan",
    "torch-cpu",
    "torch-cuda",
)
FLOORS = ("floor: copy W", "floor: numpy call")
RECURRENCE = "floor: recurrence"  # an epoch's loop without exp, log or division


def medians(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """group -> impl -> median seconds (a step's, for steps timed several to a call)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for b in report["benchmarks"]:
        steps = b["extra_info"].get("steps_per_call", 1)
        out[b["group"]][b["extra_info"]["impl"]] = b["stats"]["median"] / steps
    return out


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f}"


def step_table(
    groups: dict[str, dict[str, float]],
) -> tuple[list[str], list[tuple[int, dict[str, float]]]]:
    rows = []
    for group, m in groups.items():
        if group.startswith("step "):
            size = int(group.split()[1].split("x")[0])
            rows.append((size, m))
    rows.sort()
    present = [i for i in IMPLS if any(i in m for _, m in rows)]
    head = "| layer | " + " | ".join(f"{i} µs" for i in present)
    head += (
        " | tutorial / torch | stable / torch | compiled / torch | compiled / jax"
        " | compiled-epoch / jax-scan | compiled-epoch / stable"
        " | stable / tutorial | stable / its floor | compiled / copy of W |"
    )
    lines = [head, "|" + "---|" * (len(present) + 10)]
    for size, m in rows:
        floor = max(m.get(FLOORS[0], 0.0), m.get(FLOORS[1], 0.0))
        cells = [_us(m[i]) if i in m else "-" for i in present]
        torch_cpu = m.get("torch-cpu", float("nan"))
        compiled = m.get("compiled", float("nan"))
        ratios = [
            m["tutorial"] / torch_cpu,
            m["stable"] / torch_cpu,
            compiled / torch_cpu,
            compiled / m.get("jax", float("nan")),
            m.get("compiled-epoch", float("nan")) / m.get("jax-scan", float("nan")),
            m.get("compiled-epoch", float("nan")) / m["stable"],
            m["stable"] / m["tutorial"],
            m["stable"] / floor,
            compiled / m.get(FLOORS[0], float("nan")),
        ]
        name = f"{size}x{size}" if size > 3 else "3x4"
        lines.append(
            f"| {name} | "
            + " | ".join(cells)
            + " | "
            + " | ".join(f"{r:.2f}" for r in ratios)
            + " |"
        )
    return lines, rows


def other_tables(groups: dict[str, dict[str, float]]) -> list[str]:
    names = IMPLS[:7]
    lines = [
        "| run | "
        + " | ".join(f"{i} ms" for i in names)
        + " | tutorial / torch | stable / torch | compiled-epoch / torch"
        + " | compiled-epoch / jax-scan | jax-scan / compiled-epoch"
        + " | compiled-epoch / its floor | compiled-epoch ns a sample |"
    ]
    lines.append("|" + "---|" * (len(names) + 8))
    runs = [g for g in groups if not g.startswith("step ")]
    # The epochs by their number of samples, the tutorial's whole run after them.
    runs.sort(key=lambda g: int(g.split()[2]) if g.startswith("epoch of") else 10**9)
    for group in runs:
        m = groups[group]
        cells = [f"{m[i] * 1e3:,.3f}" if i in m else "-" for i in names]
        torch_cpu = m.get("torch-cpu", float("nan"))
        epoch = m.get("compiled-epoch", float("nan"))
        words = group.split()
        samples = int(words[2]) if group.startswith("epoch of") else 5 * 2000
        lines.append(
            f"| {group} | "
            + " | ".join(cells)
            + f" | {m['tutorial'] / torch_cpu:.2f} | {m['stable'] / torch_cpu:.3f}"
            + f" | {epoch / torch_cpu:.4f} | {epoch / m.get('jax-scan', float('nan')):.2f}"
            + f" | {m.get('jax-scan', float('nan')) / epoch:.2f}"
            + f" | {epoch / m.get(RECURRENCE, float('nan')):.2f}"
            + f" | {epoch / samples * 1e9:.0f} |"
        )
    return lines


def crossover(rows: list[tuple[int, dict[str, float]]]) -> list[str]:
    """Where each torch step, if ever, becomes faster than each NumPy step."""
    lines = []
    for torch_impl in ("torch-cpu", "torch-cuda"):
        for numpy_impl in ("tutorial", "stable", "compiled"):
            sizes = [s for s, m in rows if torch_impl in m and m[torch_impl] < m[numpy_impl]]
            if any(torch_impl in m for _, m in rows):
                where = f"from {sizes[0]}x{sizes[0]}" if sizes else "at no size measured"
                lines.append(f"{torch_impl} overtakes {numpy_impl} {where}")
    return lines


def plot(rows: list[tuple[int, dict[str, float]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5))
    for name in (*IMPLS, *FLOORS):
        points = [(size, m[name]) for size, m in rows if name in m]
        if points:
            sizes, secs = zip(*points, strict=True)
            style = ":" if name.startswith("floor") else "-o"
            ax.plot(sizes, [s * 1e6 for s in secs], style, label=name)
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="layer size n (n x n; 3x4 at the left)",
        ylabel="median step time (µs)",
        title="per-sample step cost against layer size",
    )
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    parser.add_argument("json", type=Path, help="pytest-benchmark's --benchmark-json file")
    parser.add_argument("--plot", type=Path, default=None, help="PNG (default: beside the JSON)")
    args = parser.parse_args(argv)
    report = json.loads(args.json.read_text())
    groups = medians(report)
    machine = report.get("machine_info", {})
    print(
        f"machine: {machine.get('cpu', {}).get('brand_raw', '?')}, "
        f"{machine.get('cpu', {}).get('count', '?')} cores; medians of one run\n"
    )
    lines, rows = step_table(groups)
    print("\n".join(lines))
    print()
    print("\n".join(other_tables(groups)))
    print("\n" + "\n".join(crossover(rows)))
    out = args.plot or args.json.with_name("step_cost.png")
    plot(rows, out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
