"""A saved report: one run's results as data, with where they came from.

``check SPEC --report FILE.json`` writes one, ``--save-baseline FILE`` too (only for a run
that passed), and ``--against FILE.json`` / ``--baseline FILE`` read one back
(reference.regression). A report holds, per implementation, how it was given and loaded, the
SHA-256 of its file, and every check's :class:`~reference.results.Result` with the quantities
it compared; and for the run the expectation and the stack's versions. Strict JSON, one check
a line, so that a committed baseline diffs check by check.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from reference import notebooks
from reference.results import Result

SCHEMA = "bce-harness/report-1"


class ReportError(Exception):
    """A report file that cannot be read as one: named, in one line."""


@dataclass(frozen=True)
class Provenance:
    """Which code a result is of: as given (``spec``), how it was loaded (a file, a module, a
    git revision of a file), the module name it ran under, its file and that file's SHA-256."""

    spec: str
    loaded_as: str = ""
    module: str = ""
    path: str = ""
    sha256: str = ""

    @classmethod
    def of(cls, spec: str, loaded_as: str, module: str, path: str) -> Provenance:
        """A notebook's digest is of its code cells alone (reference.notebooks.digest)."""
        digest = ""
        if path and notebooks.is_notebook(path):
            digest = notebooks.digest(Path(path))
        elif path:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        return cls(spec, loaded_as, module, path, digest)


@dataclass(frozen=True)
class Checked:
    """One implementation's part of a report: its provenance, its results, why it could not
    be checked (``error``, at import) or stopped (``stopped``), the checks its stop left
    unrun, how many bytes of its output the report left out, and how long it took."""

    implementation: Provenance
    results: tuple[Result, ...] = ()
    error: str = ""
    stopped: str = ""
    not_run: tuple[str, ...] = ()
    printed: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Report:
    expect: str
    checked: tuple[Checked, ...]
    versions: dict[str, str] = field(default_factory=dict)

    def same_code(self) -> list[list[str]]:
        """The implementations of this run whose code is the same (by SHA-256), in groups."""
        groups: dict[str, list[str]] = {}
        for c in self.checked:
            if c.implementation.sha256:
                groups.setdefault(c.implementation.sha256, []).append(c.implementation.spec)
        return [specs for specs in groups.values() if len(specs) > 1]


def stack_versions() -> dict[str, str]:
    """The harness's version and the stack's: what the values depend on."""
    import mpmath
    import numpy
    import torch

    try:
        harness = metadata.version("bce-harness")
    except metadata.PackageNotFoundError:  # run from a clone that was never installed
        harness = "not installed"
    return {
        "bce-harness": harness,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "torch": torch.__version__,
        "mpmath": mpmath.__version__,
    }


def dumps(report: Report) -> str:
    """The report as strict JSON, one check a line."""
    head = {
        "schema": SCHEMA,
        "expect": report.expect,
        "versions": report.versions,
        "same_code": report.same_code(),
    }
    parts = []
    for c in report.checked:
        meta = {
            "implementation": c.implementation.__dict__,
            "error": c.error,
            "stopped": c.stopped,
            "not_run": list(c.not_run),
            "printed": c.printed,
            "seconds": round(c.seconds, 3),
        }
        rows = ",\n".join(
            "    " + json.dumps(r.to_json(), allow_nan=False, separators=(",", ":"))
            for r in c.results
        )
        parts.append(
            "  {" + json.dumps(meta, allow_nan=False)[1:-1] + ', "results": [\n' + rows + "\n  ]}"
        )
    return (
        "{"
        + json.dumps(head, allow_nan=False)[1:-1]
        + ', "implementations": [\n'
        + ",\n".join(parts)
        + "\n]}\n"
    )


def save(report: Report, path: Path) -> None:
    try:
        path.write_text(dumps(report))
    except OSError as exc:
        raise ReportError(f"cannot write the report {path}: {exc.strerror or exc}") from None


def load(path: Path) -> Report:
    """A report read back; :class:`ReportError` names what is wrong with the file."""
    try:
        data: Any = json.loads(path.read_text())
    except OSError as exc:
        raise ReportError(f"cannot read the report {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path} is not a JSON report: {exc}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ReportError(f"{path} is not a report of this harness (schema {SCHEMA})")
    try:
        checked = tuple(
            Checked(
                Provenance(**c["implementation"]),
                tuple(Result.from_json(r) for r in c["results"]),
                c["error"],
                c["stopped"],
                # Reports saved before these fields: none unrun, nothing left out, untimed.
                tuple(c.get("not_run", ())),
                int(c.get("printed", 0)),
                float(c.get("seconds", 0.0)),
            )
            for c in data["implementations"]
        )
        return Report(data["expect"], checked, dict(data["versions"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"{path}: a report with a missing or bad field ({exc!r})") from None
