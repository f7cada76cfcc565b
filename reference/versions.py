"""The old version a regression check compares with, as the user names it: a ``.py`` file or
a module, a git revision of a file (``REV:path``, read with git: nothing is checked out), or a
saved report (``.json``, :mod:`reference.reports`)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reference.reports import Report, load


class VersionError(Exception):
    """The old version cannot be found or read: named, in one line."""


@dataclass(frozen=True)
class Old:
    """The old version: a spec to check (``spec``; ``loaded_as`` says how it was found) or a
    saved report; ``name`` is how the report calls it (as the user wrote it)."""

    name: str
    spec: str = ""
    loaded_as: str = ""
    report: Report | None = None
    folder: Path | None = None  # a git revision's file lives here until close()

    def close(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise VersionError("git is not installed: cannot read a revision of a file") from None


def _from_git(text: str) -> Old:
    rev, _, path = text.partition(":")
    commit = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if commit.returncode != 0:
        said = commit.stderr.strip().splitlines()
        why = said[0] if said else f"no revision {rev!r} in the git repository here"
        raise VersionError(f"{text}: not a file, a module or a report, and git: {why}")
    # As the user sees the path (from where they are), else from the repository's top.
    for candidate in (f"{rev}:./{path}", f"{rev}:{path}"):
        shown = _git("show", candidate)
        if shown.returncode == 0:
            break
    else:
        raise VersionError(f"{text}: git has no file {path!r} at {rev}")
    folder = Path(tempfile.mkdtemp(prefix="bce-old-"))
    name = Path(path).name if path.endswith(".py") else f"{Path(path).name}.py"
    (folder / name).write_text(shown.stdout)
    loaded_as = f"git {text} (commit {commit.stdout.strip()[:12]})"
    return Old(text, str(folder / name), loaded_as, folder=folder)


def resolve(text: str, report_only: bool = False) -> Old:
    """The old version named by ``text``; with ``report_only`` (``--baseline``) a saved report."""
    path = Path(text).expanduser()
    if text.endswith(".json") or report_only:
        if not path.is_file():
            raise VersionError(f"no report file {text}")
        return Old(text, report=load(path))
    if path.is_file():
        return Old(text, text, "file")
    if ":" in text:
        return _from_git(text)
    if text.endswith(".py"):
        raise VersionError(f"implementation file not found: {text}")
    return Old(text, text, "module")
