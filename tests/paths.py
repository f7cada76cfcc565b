"""The clone's folders, named once for every test."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMPLS = ROOT / "tests" / "impls"
CATALOGUE = ROOT / "reference" / "slips"
SLIPS = sorted(p for p in CATALOGUE.glob("*.py") if not p.name.startswith("_"))
