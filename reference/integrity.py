"""The harness's own files, held to the hashes its installed wheel recorded.

Every machine this runs on runs as root, so file modes protect nothing: an implementation's
process could rewrite the tolerance table, a check or the register, and every later verdict
on that machine would change. An installed copy (not an editable one) lists each file's
SHA-256 in its RECORD; ``check`` refuses to judge with a copy that differs from it.
"""

from __future__ import annotations

import base64
import hashlib
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "bce-harness"


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def changed_files() -> list[str] | None:
    """The installed files of the package whose contents differ from the RECORD (removed
    ones included); None where there is nothing to hold them to (an editable install, or
    the package run from a clone)."""
    try:
        files = metadata.files(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return None
    recorded = [(f, f.hash) for f in files if f.hash is not None and f.parts[0] == "reference"]
    if not recorded:
        return None
    changed = []
    for f, recorded_hash in recorded:
        try:
            data = Path(f.locate()).read_bytes()
        except OSError:
            changed.append(str(f))
            continue
        if recorded_hash.mode != "sha256" or _digest(data) != recorded_hash.value:
            changed.append(str(f))
    return changed
