"""``python -m tools golden``: regenerate the golden trajectories and say what changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from reference.golden import GOLDEN_RUNS, TWO_LAYER_RUNS, make, same_stack

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "reference" / "data" / "golden"


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    if old.get("settings") != new["settings"]:
        out.append(f"settings: {old.get('settings')} -> {new['settings']}")
    if not same_stack(old.get("versions", {}), new["versions"]):
        out.append(f"versions: {old.get('versions')} -> {new['versions']}")
    for key in (k for k in new if k not in ("settings", "versions")):
        a, b = np.asarray(old.get(key, []), float), np.asarray(new[key], float)
        if a.shape != b.shape:
            out.append(f"{key}: shape {a.shape} -> {b.shape}")
        elif not np.array_equal(a, b):
            n = int(np.sum(a != b))
            out.append(f"{key}: {n} values changed, largest by {np.max(np.abs(a - b)):.3g}")
    return out


def regenerate(directory: Path = GOLDEN_DIR) -> int:
    """Write every golden file whose numbers or stack changed; print what changed. A local
    build suffix of a version (2.13.0+cpu against 2.13.0) alone rewrites nothing."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = 0
    for name in [*GOLDEN_RUNS, *TWO_LAYER_RUNS]:
        path = directory / f"{name}.json"
        new = make(name)
        old = json.loads(path.read_text()) if path.exists() else {}
        changes = _changes(old, new) if old else ["new file"]
        if changes:
            path.write_text(json.dumps(new, indent=1) + "\n")
        print(f"{path.name}: " + ("; ".join(changes) if changes else "unchanged"))
        changed += bool(changes)
    return changed
