"""Beyond one machine: each submission checked on a worker of a Dask cluster.

``check --executor dask://HOST:PORT`` (or ``--executor scheduler.json``, a scheduler file)
hands the runner ``distributed``'s :class:`~distributed.Client` executor in place of its local
process pool: a ``concurrent.futures`` executor, so the runner's loop stays as it is. What
travels is the submission's files, not their paths (the worker has no view of this disk): the
file and the ``.py`` modules beside it, which it may import. On the worker, the submission is
written to a folder of its own and checked exactly as a local run checks it
(:func:`reference.runner.check_shipped`: a process of its own, every limit), after the
worker's stack is held to the one the golden data were made with: a worker with another torch or
numpy refuses, naming both, instead of judging with other values.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from concurrent.futures import Executor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from reference import golden
from reference.notebooks import is_notebook

MAX_BYTES = 20 * 1024 * 1024  # a submission's folder of modules, at most


class ClusterError(Exception):
    """The cluster cannot be used: not installed, not reached, or a submission too large."""


@dataclass(frozen=True)
class Shipped:
    """A submission as it travels: how it was given, its file's name, and the files of its
    folder it may import (a module name travels alone: the worker has it installed)."""

    spec: str
    entry: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    path: str = ""  # the file here, where its provenance is read


def worker_stack_problem() -> str:
    """Why this worker cannot judge ("" if it can), naming the worker."""
    problem = stack_problem(golden.load("tutorial")["versions"], golden.versions())
    return f"the worker {socket.gethostname()} has another stack: {problem}" if problem else ""


def ship(spec: str) -> Shipped:
    path = Path(spec).expanduser()
    if not (spec.endswith(".py") or is_notebook(spec) or path.is_file()):
        return Shipped(spec)
    if not path.is_file():  # named on the worker, as a local run names it
        return Shipped(spec, path.name)
    siblings = [p for p in path.parent.glob("*.py") if p.is_file() and p != path]
    files = {p.name: p.read_bytes() for p in [path, *siblings]}
    size = sum(map(len, files.values()))
    if size > MAX_BYTES:
        raise ClusterError(f"{spec}: its folder's modules are {size} bytes, more than {MAX_BYTES}")
    return Shipped(spec, path.name, files, str(path.resolve()))


def stack_problem(recorded: dict[str, str], current: dict[str, str]) -> str:
    """Why a worker's stack cannot judge ("" if it can): torch and numpy as the golden data's
    (a local build suffix aside), Python's minor version too."""
    minor: Callable[[str], str] = lambda v: ".".join(v.split(".")[:2])  # noqa: E731
    keys: dict[str, Callable[[str], str]] = {"torch": str, "numpy": str, "python": minor}
    differ = [
        f"{k} {current.get(k, '-')} (the golden data's: {recorded.get(k, '-')})"
        for k, norm in keys.items()
        if norm(current.get(k, "").split("+")[0]) != norm(recorded.get(k, "").split("+")[0])
    ]
    return ", ".join(differ)


class Cluster(AbstractContextManager["Cluster"]):
    """A connection to a Dask scheduler, and its executor: ``dask://HOST:PORT``, any address
    ``distributed`` takes (``tcp://...``), or a scheduler file's path."""

    def __init__(self, address: str, timeout: str = "10s") -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ClusterError(
                "--executor needs dask's distributed: pip install 'bce-harness[cluster]'"
            ) from None
        try:
            if address.endswith(".json") or Path(address).is_file():
                self.client = Client(scheduler_file=address, timeout=timeout)
            else:
                self.client = Client(address.replace("dask://", "tcp://", 1), timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler {address}: {exc}") from None
        self.address = address

    @property
    def executor(self) -> Executor:
        executor: Executor = self.client.get_executor(pure=False)
        return executor

    def workers(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def close(self) -> None:
        self.client.close()

    def __exit__(self, *exc: object) -> None:
        self.close()
