"""Each implementation apart from the harness: its checks' drives run in a process of its own.

:class:`Subject` starts a fresh Python for one implementation (``python -m
reference.isolation``), in a session of its own, with stdin closed, its output captured to
files and cut, and a memory limit the kernel enforces (RLIMIT_AS). That process imports the
implementation, reads what it has of the records (a :class:`~reference.checks.base.Profile`),
and for each check id it is sent runs that check's drive: the implementation's calls, whose
returns come back as plain data (:mod:`reference.wire`). The harness's side builds the same
checks and judges: torch, the oracle, the register, the tolerances and the verdicts never
run in the implementation's process, so nothing the implementation does to its own process
(monkeypatching numpy, torch or the harness, exiting, printing) reaches a verdict.

A time limit at import, per call and per implementation, an exit, a crash, a signal or a
memory kill is a verdict of its own (:class:`Stopped`, naming what happened and in which
check); the process group and every process the implementation started, in a session of its
own too (found by a token in its environment), are ended with it.
"""

from __future__ import annotations

import atexit
import functools
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any

from reference import wire
from reference.checks import all_checks, result_of, torch_devices
from reference.checks.base import Check, Driven, Profile, Rerun
from reference.records import ALL, TUTORIAL, Record
from reference.results import Result
from reference.subject import ImplementationError, impl_id, load_impl, missing
from reference.training import Setup, impl_run

TOKEN = "BCE_HARNESS_SUBJECT"  # in the environment of every process an implementation starts


@dataclass(frozen=True)
class Limits:
    """How long and how much one implementation may take. The defaults fit the tutorial's own
    code, which trains for 2000 epochs at import."""

    import_s: float = 60.0
    call_s: float = 60.0
    total_s: float = 900.0
    memory_mb: int = 4096
    output_bytes: int = 4096  # of stdout and of stderr, each, kept for the report
    # A notebook's import runs its definitions only, unless every cell may run (under
    # import_s): reference.notebooks.
    run_all_cells: bool = False


class Stopped(Exception):
    """The implementation's process stopped the checks: at import (``check`` empty) or in a
    check; ``what`` says how, in one line."""

    def __init__(self, what: str, check: str = "") -> None:
        super().__init__(what, check)  # the arguments pickle: a pool sends it back
        self.what, self.check = what, check

    @property
    def at_import(self) -> bool:
        return not self.check

    def __str__(self) -> str:
        return f"{self.what} ({f'in {self.check}' if self.check else 'at import'})"


@dataclass(frozen=True)
class Output:
    """What the implementation printed, cut: the kept start and how much was dropped."""

    stdout: str = ""
    stderr: str = ""
    dropped: int = 0


def _read_cut(path: Path, keep: int) -> tuple[str, int]:
    size = path.stat().st_size if path.exists() else 0
    with path.open("rb") as f:
        head = f.read(keep)
    return head.decode(errors="replace"), max(0, size - keep)


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _descendants(token: str) -> list[int]:
    """Every process whose environment holds the token (a daemon started in a new session
    keeps its environment)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"{TOKEN}={token}".encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


class Subject:
    """One implementation in its own process: ``profile``, then ``drive(ids)`` yields each
    check's :class:`Driven` in turn; raises :class:`Stopped` where the process stops."""

    def __init__(self, spec: str, limits: Limits = Limits()) -> None:
        self.spec, self.limits = spec, limits
        self.token = uuid.uuid4().hex
        self.folder = Path(tempfile.mkdtemp(prefix="bce-subject-"))
        self.started = time.monotonic()
        parent, child = _pipe()
        env = {**os.environ, TOKEN: self.token, "PYTHONUNBUFFERED": "1"}
        # This package first (the implementation's process imports it); it runs in a folder
        # of its own, and where the user ran the harness comes last on its path (a module
        # name is found there), so that no file there (a submission named copy.py) shadows
        # the package or the standard library.
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
        if spec.endswith(".py") or Path(spec).is_file():
            if not Path(spec).expanduser().is_file():
                shutil.rmtree(self.folder, ignore_errors=True)
                raise Stopped(f"implementation file not found: {spec}")
            spec = str(Path(spec).expanduser().resolve())
        with (self.folder / "stdout").open("wb") as out, (self.folder / "stderr").open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "reference.isolation", str(child.fileno())],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=env,
                pass_fds=(child.fileno(),),
                cwd=self.folder,
                start_new_session=True,
                preexec_fn=lambda: _limit_memory(limits.memory_mb),
            )
        child.close()
        self.conn = parent
        asked = {"spec": spec, "run_all": limits.run_all_cells, "folder": os.getcwd()}
        self.conn.send_bytes(wire.encode(asked))
        self._profile: Profile | None = None
        self._lacks: list[str] = []
        self.module, self.file = "", ""  # what it was imported as, from which file

    def ready(self) -> Profile:
        """Wait for the implementation's import (the harness's side goes on with its own
        start meanwhile) and return what it has of the records; :class:`Stopped` if the
        import fails or runs past the limit."""
        if self._profile is not None:
            return self._profile
        try:
            hello = self._receive(self.limits.import_s, "")
            if "import_error" in hello:
                self.close()
                raise Stopped(str(hello["import_error"]))
        except Stopped:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        step_paths = tuple(tuple(p) for p in hello["paths"])
        self._profile = Profile(ALL, tuple(hello["applies"]), step_paths)
        self._lacks = list(hello["lacks"])
        self.module, self.file = str(hello["module"]), str(hello["file"])
        return self._profile

    @property
    def profile(self) -> Profile:
        """What it has of the records (read in its process)."""
        return self.ready()

    @property
    def lacks(self) -> list[str]:
        """What it lacks of the tutorial's API."""
        self.ready()
        return self._lacks

    def drive(self, ids: Sequence[str]) -> Iterator[Driven]:
        """Each check's drive, in order (one request for all of them)."""
        self.ready()
        self.conn.send_bytes(wire.encode({"ids": list(ids)}))
        for check_id in ids:
            reply = self._receive(self.limits.call_s, check_id)
            yield Driven(
                data=reply.get("data"),
                raised=tuple(reply["raised"]) if reply.get("raised") else None,
                missing=tuple(reply.get("missing") or ()),
            )

    def call(self, name: str, **kwargs: Any) -> Any:
        """One of :data:`CALLS` in the implementation's process (a run, the contract), its
        data back, under the implementation's whole time limit; Stopped if the process
        stops, and the implementation's exception as ``Driven.raised``."""
        self.ready()
        self.conn.send_bytes(wire.encode({"call": name, "kwargs": kwargs}))
        reply = self._receive(self.limits.total_s, name)
        return Driven(
            data=reply.get("data"),
            raised=tuple(reply["raised"]) if reply.get("raised") else None,
        )

    def redrive(self, check_id: str, request: Any) -> Driven:
        """A check's drive again, on other input (a failing sequence's shorter programs),
        under the per-call limit; where the process stops, that is said in the Driven."""
        try:
            self.conn.send_bytes(wire.encode({"redrive": check_id, "request": request}))
            reply = self._receive(self.limits.call_s, check_id)
        except Stopped as stopped:
            return Driven(stopped=str(stopped))
        except OSError:  # the process has gone
            return Driven(stopped="ended")
        return Driven(
            data=reply.get("data"),
            raised=tuple(reply["raised"]) if reply.get("raised") else None,
        )

    def _receive(self, limit: float, check_id: str) -> dict[str, Any]:
        left = self.limits.total_s - (time.monotonic() - self.started)
        wait = max(0.0, min(limit, left))
        if not self.conn.poll(wait):
            self.close()
            if wait < limit:
                raise Stopped(f"ran past the time limit of {self.limits.total_s:g} s", check_id)
            raise Stopped(f"ran past the time limit of {limit:g} s", check_id)
        try:
            reply = wire.decode(self.conn.recv_bytes())
        except (EOFError, OSError):
            raise Stopped(self._ended(), check_id) from None
        except wire.WireError as exc:
            self.close()
            raise Stopped(f"sent what is not data ({exc})", check_id) from None
        if not isinstance(reply, dict):
            self.close()
            raise Stopped("sent what is not a reply", check_id)
        return reply

    def _ended(self) -> str:
        """How the process ended, in words."""
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self.close()
        if code is None:
            return "closed its channel to the harness"
        if code < 0:
            name = signal.Signals(-code).name
            return f"was killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
        return f"exited with code {code}"

    def output(self) -> Output:
        keep = self.limits.output_bytes
        out, out_dropped = _read_cut(self.folder / "stdout", keep)
        err, err_dropped = _read_cut(self.folder / "stderr", keep)
        return Output(out, err, out_dropped + err_dropped)

    def close(self) -> None:
        """End the process, its group, and every process it started."""
        if self.process.poll() is None:
            try:
                self.conn.send_bytes(wire.encode({"ids": None}))
            except OSError:
                pass
        for pid in [self.process.pid, *_descendants(self.token)]:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.conn.close()

    def __enter__(self) -> Subject:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _pipe() -> tuple[Connection, Connection]:
    a, b = socket.socketpair()
    parent, child = Connection(os.dup(a.fileno())), Connection(os.dup(b.fileno()))
    a.close()
    b.close()
    os.set_inheritable(child.fileno(), True)
    return parent, child


@dataclass(frozen=True)
class Apart:
    """The checks of one implementation run apart: the results judged, where its process
    stopped them (if it did) and the checks that stop left unrun, and what it printed."""

    results: list[Result]
    stopped: Stopped | None = None
    output: Output = Output()
    module: str = ""  # what the implementation was imported as, from which file
    file: str = ""
    not_run: tuple[str, ...] = ()


def run_apart(
    spec: str,
    *,
    expect: str = "tutorial",
    expected_failures: dict[str, str] | None = None,
    devices: Sequence[str] | None = None,
    select: Callable[[str], bool] | None = None,
    limits: Limits = Limits(),
) -> Apart:
    """Every check (those whose id ``select`` accepts) against the implementation ``spec`` in
    a process of its own, judged here, in order; ``devices`` default to torch's (found while
    the implementation imports)."""
    results: list[Result] = []
    try:
        subject = Subject(spec, limits)
        devices = tuple(devices) if devices is not None else torch_devices()
        subject.ready()
    except Stopped as stopped:
        return Apart(results, stopped)  # at import: its output is the import's
    with subject:
        checks = all_checks(expect=expect, devices=devices, profile=subject.profile)
        chosen = [c for c in checks if select is None or select(c.id)]
        to_shrink: list[tuple[int, Check, Driven]] = []
        try:
            for check, driven in zip(chosen, subject.drive([c.id for c in chosen]), strict=False):
                results.append(result_of(check, driven, expected_failures or {}))
                if results[-1].failed and check.shrink is not None and check.redrive is not None:
                    to_shrink.append((len(results) - 1, check, driven))
        except Stopped as stopped:
            # The check it stopped in has no result; those after it never ran.
            unrun = tuple(c.id for c in chosen[len(results) + 1 :])
            return Apart(results, stopped, subject.output(), subject.module, subject.file, unrun)
        # Every drive answered: the process is free to rerun a failing check's shorter inputs.
        for n, check, driven in to_shrink:
            rerun = functools.partial(subject.redrive, check.id)
            results[n] = result_of(check, driven, expected_failures or {}, rerun)
        return Apart(results, None, subject.output(), subject.module, subject.file)


class Isolated:
    """An implementation in a process of its own, as the pytest plugin and
    :func:`parametrize_with_checks` give it to a test: ``check(impl)`` drives the check there
    and judges it here. Started when made; a stop at import is ``stopped``."""

    def __init__(self, spec: str, limits: Limits | None = None) -> None:
        self.spec = spec
        self.subject: Subject | None = None
        self.stopped: Stopped | None = None
        try:
            self.subject = Subject(spec, limits or Limits())
            self.subject.ready()
        except Stopped as stopped:
            self.subject, self.stopped = None, stopped
        atexit.register(self.close)

    @property
    def profile(self) -> Profile | None:
        return self.subject.profile if self.subject is not None else None

    def driven_for(self, check: Any) -> Driven:
        if self.subject is None or self.stopped is not None:
            return Driven(stopped=str(self.stopped))
        try:
            return next(iter(self.subject.drive([check.id])))
        except Stopped as stopped:
            self.stopped = stopped
            return Driven(stopped=str(stopped))

    def rerun_for(self, check: Any) -> Rerun | None:
        subject = self.subject
        if subject is None or check.redrive is None:
            return None
        return lambda request: subject.redrive(check.id, request)

    def close(self) -> None:
        if self.subject is not None:
            self.subject.__exit__()
            self.subject = None

    def __repr__(self) -> str:
        return f"Isolated({self.spec!r})"


def parametrize_with_checks(
    impls: Sequence[str | ModuleType],
    *,
    expect: str = "tutorial",
    expected_failures: Mapping[str, str] | None = None,
    devices: Sequence[str] | None = None,
    layers: tuple[Record, ...] = ALL,
    apart: bool = True,
) -> Any:
    """scikit-learn's shape: ``@parametrize_with_checks(["my_net.py"])`` on
    ``def test_mine(impl, check): check(impl)`` runs every check against each implementation,
    one test each, with readable ids; each implementation in a process of its own (a module
    given is loaded again there from its file; one with no file, checks of records of your
    own, or ``apart=False`` for code you trust, run in this process). ``expected_failures``
    maps check ids to reasons: those checks are marked xfail; an id that matches no check is
    an error."""
    import pytest

    expected_failures = dict(expected_failures or {})
    apart = apart and all(record in ALL for record in layers)
    params, seen = [], set()
    for spec in impls:
        file = spec if isinstance(spec, str) else getattr(spec, "__file__", None)
        name = impl_id(spec) if isinstance(spec, str) else spec.__name__
        impl: Any
        if apart and file is not None:
            impl = Isolated(spec if isinstance(spec, str) else str(file))
            if impl.stopped is not None:
                raise ValueError(f"{name}: {impl.stopped}")
            checks = all_checks(expect=expect, devices=devices, layers=layers, profile=impl.profile)
        else:
            impl = load_impl(spec) if isinstance(spec, str) else spec
            checks = all_checks(impl, expect=expect, devices=devices, layers=layers)
        for check in checks:
            seen.add(check.id)
            reason = expected_failures.get(check.id)
            marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
            params.append(pytest.param(impl, check, id=f"{name}-{check.id}", marks=marks))
    unknown = sorted(set(expected_failures) - seen)
    if unknown:
        raise ValueError(f"expected_failures names checks that do not exist: {', '.join(unknown)}")
    return pytest.mark.parametrize(("impl", "check"), params)


# --- the implementation's side ---------------------------------------------------------------


def _serve(conn: Connection) -> None:
    asked = wire.decode(conn.recv_bytes())
    sys.path.append(asked["folder"])
    try:
        impl = load_impl(asked["spec"], asked["run_all"])
    except ImplementationError as exc:
        conn.send_bytes(wire.encode({"import_error": str(exc)}))
        return
    profile = Profile.of(impl, ALL)
    lacks = missing(impl, [need for record in TUTORIAL for need in record.needs])
    hello = {
        "applies": list(profile.applies),
        "paths": list(profile.paths),
        "lacks": lacks,
        "module": impl.__name__,
        "file": str(getattr(impl, "__file__", None) or ""),
    }
    conn.send_bytes(wire.encode(hello))
    # Every check of every device: a check's drive does not depend on the expectation or the
    # device (its judge does), and no torch is needed to make them here.
    checks = {c.id: c for c in all_checks(impl, devices=("cpu", "cuda"))}
    while True:
        request = wire.decode(conn.recv_bytes())
        if "call" in request:
            conn.send_bytes(_called(impl, request["call"], request["kwargs"]))
            continue
        if "redrive" in request:
            conn.send_bytes(_redriven(impl, checks[request["redrive"]], request["request"]))
            continue
        if request["ids"] is None:
            return
        for check_id in request["ids"]:
            # Anything the implementation raises is its failure in that check, an exit or a
            # KeyboardInterrupt included: the other checks go on.
            driven = checks[check_id].driven(impl, catch=BaseException)
            reply = {"data": driven.data, "raised": driven.raised, "missing": driven.missing}
            try:
                message = wire.encode(reply)
            except (TypeError, ValueError) as exc:  # not data: the harness names it
                message = wire.encode({"raised": ("an unreadable value", str(exc))})
            conn.send_bytes(message)


def _train(impl: ModuleType, setup: dict[str, Any], **run: Any) -> dict[str, Any]:
    return impl_run(impl, setup=Setup(**setup), **run)


# What the harness may ask of the implementation's process besides the checks' drives: a
# training run (verify's), and what the implementation lacks of a contract.
CALLS: dict[str, Callable[..., Any]] = {
    "train": _train,
    "missing": lambda impl, needs: missing(impl, needs),
}


def _called(impl: ModuleType, name: str, kwargs: dict[str, Any]) -> bytes:
    try:
        return wire.encode({"data": CALLS[name](impl, **kwargs)})
    except BaseException as exc:  # the implementation's, whatever it is: the harness names it
        return wire.encode({"raised": (type(exc).__name__, str(exc))})


def _redriven(impl: ModuleType, check: Check, request: Any) -> bytes:
    if check.redrive is None:  # the harness asked wrongly: no data, so no shrink
        return wire.encode({"raised": ("HarnessError", f"{check.id} has no redrive")})
    try:
        return wire.encode({"data": check.redrive(impl, request)})
    except BaseException as exc:  # the implementation's, whatever it is: the harness names it
        return wire.encode({"raised": (type(exc).__name__, str(exc))})


def main(argv: list[str]) -> int:
    conn = Connection(int(argv[0]))
    try:
        _serve(conn)
    except (EOFError, OSError):  # the harness went away
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
