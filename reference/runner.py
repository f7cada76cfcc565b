"""``python -m reference check SPEC ...``: every check against each implementation, in-process.

Several implementations (a teacher checking a class's submissions) run on the available cores
in parallel, each in its own process, with a line of progress as each finishes. The report
leads with one row per implementation (passed, known, failed, the first failure by layer and
quantity), then, for each that failed, what fails and at how many checks, and its first
failure in full. Exit 0 when nothing failed, 1 when an implementation failed a check, 2 when
the checks could not run (an import error, a contract breach).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reference import grading
from reference.checks import Result
from reference.cluster import Cluster, ClusterError, Shipped, ship, worker_stack_problem
from reference.formats import junit, names, text
from reference.golden import same_stack
from reference.grading import Scoring
from reference.integrity import changed_files
from reference.isolation import Limits, Stopped, run_apart
from reference.notebooks import NotebookError, is_notebook, script
from reference.regression import compare, exit_code, render
from reference.reports import (
    Checked,
    Provenance,
    Report,
    ReportError,
    dumps,
    save,
    stack_versions,
)
from reference.results import Status
from reference.subject import impl_id
from reference.versions import VersionError, resolve

PASSED, FAILED, CANNOT_RUN = 0, 1, 2


@dataclass
class Summary:
    spec: str
    results: list[Result] = field(default_factory=list)
    error: str = ""  # the implementation could not be imported
    stopped: Stopped | None = None  # its process stopped the checks (an exit, a time limit)
    printed: int = 0  # bytes of its output left out of the report
    module: str = ""  # what it was imported as, from which file
    file: str = ""
    not_run: tuple[str, ...] = ()  # the checks its stop left unrun
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if r.status == Status.FAILED]

    @property
    def code(self) -> int:
        if self.error or self.count(Status.CANNOT_RUN):
            return CANNOT_RUN
        return FAILED if self.failures or self.stopped else PASSED


def check_one(
    spec: str,
    expect: str,
    expected_failures: dict[str, str],
    only: tuple[str, ...] = (),
    limits: Limits | None = None,
) -> Summary:
    """Every check against one implementation, run in a process of its own
    (reference.isolation) and judged in this one."""
    started = time.monotonic()
    changed = changed_files()
    if changed:  # a submission before this one may have rewritten them
        shown = ", ".join(changed[:3]) + (" ..." if len(changed) > 3 else "")
        error = f"the harness's installed files changed since install ({shown}): reinstall it"
        return Summary(spec, error=error)
    limits = limits or Limits()
    if is_notebook(spec):  # a cell that is not Python is named before any process starts
        try:
            script(Path(spec), limits.run_all_cells)
        except NotebookError as exc:
            return Summary(spec, error=str(exc))
    select = (lambda check_id: check_id.startswith(only)) if only else None
    apart = run_apart(
        spec, expect=expect, expected_failures=expected_failures, select=select, limits=limits
    )
    stopped = apart.stopped
    if stopped is not None and stopped.at_import:
        return Summary(spec, apart.results, error=stopped.what)
    results = list(apart.results)
    if stopped is not None and stopped.check:  # the check it stopped in failed
        what = f"the implementation's process {stopped}"
        results.append(Result(stopped.check, Status.FAILED, what, quantity="stopped"))
    return Summary(
        spec,
        results,
        "",
        stopped,
        apart.output.dropped,
        apart.module,
        apart.file,
        apart.not_run,
        time.monotonic() - started,
    )


def check_shipped(
    shipped: Shipped,
    expect: str,
    expected_failures: dict[str, str],
    only: tuple[str, ...] = (),
    limits: Limits | None = None,
) -> Summary:
    """On a cluster's worker (reference.cluster): the submission written to a folder of its
    own and checked there as :func:`check_one` checks it, named as it was given."""
    problem = worker_stack_problem()
    if problem:
        return Summary(shipped.spec, error=problem)
    if not shipped.files:  # a module, installed on the worker, or a file that is not there
        return check_one(shipped.spec, expect, expected_failures, only, limits)
    folder = Path(tempfile.mkdtemp(prefix="bce-shipped-"))
    try:
        for name, content in shipped.files.items():
            (folder / name).write_bytes(content)
        summary = check_one(str(folder / shipped.entry), expect, expected_failures, only, limits)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    # Named as here: an import error names the file where it was given, not the worker's copy.
    error = summary.error.replace(str(folder / shipped.entry), shipped.path)
    return replace(summary, spec=shipped.spec, file=shipped.path, error=error)


def max_jobs(limits: Limits) -> int:
    """As many implementations at once as there are cores, and as memory holds (each the
    harness's side, about 1 GB, and the implementation's process, at most its limit)."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    per_job = (1024 + limits.memory_mb) * 1024 * 1024
    return max(1, min(os.cpu_count() or 1, memory // per_job))


def check_all(
    specs: list[str],
    expect: str,
    expected_failures: dict[str, str],
    jobs: int | None,
    only: list[str] | None = None,
    limits: Limits | None = None,
    shown: dict[str, str] | None = None,
    cluster: Cluster | None = None,
) -> dict[str, Summary]:
    """Every implementation checked, on ``jobs`` processes (or on a Dask cluster's workers,
    reference.cluster), with a line of progress each (named as ``shown`` names them); on
    Ctrl-C, what finished (KeyboardInterrupt's ``args[0]``)."""
    shown = shown or {}
    limits = limits or Limits()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(specs), max_jobs(limits)))
    where = f", on {jobs} processes" if jobs > 1 else ""
    if cluster is not None:
        where = f", on the Dask cluster {cluster.address} ({cluster.workers()} threads)"
    print(
        f"checking {len(specs)} implementation(s) against torch.nn, expecting {expect}'s values "
        f"at the registered divergences{where}",
        file=sys.stderr,
    )
    summaries: dict[str, Summary] = {}
    args = (expect, expected_failures, tuple(only or ()), limits)
    try:
        if jobs == 1 and cluster is None:
            for i, spec in enumerate(specs, 1):
                summaries[spec] = check_one(spec, *args)
                _progress(i, len(specs), summaries[spec], shown.get(spec))
            return summaries
        with _pool(jobs, cluster) as pool:
            futures = {}
            for spec in specs:
                try:
                    futures[_submit(pool, spec, cluster, args)] = spec
                except ClusterError as exc:
                    summaries[spec] = Summary(spec, error=str(exc))
            for i, future in enumerate(as_completed(futures), len(summaries) + 1):
                spec = futures[future]
                summaries[spec] = future.result()
                _progress(i, len(specs), summaries[spec], shown.get(spec))
    except KeyboardInterrupt:
        raise KeyboardInterrupt(summaries) from None
    return summaries


def _pool(jobs: int, cluster: Cluster | None) -> Executor:
    if cluster is not None:
        return cluster.executor
    context = multiprocessing.get_context("spawn")  # torch and fork do not mix
    return ProcessPoolExecutor(jobs, mp_context=context, initializer=_one_thread)


def _submit(pool: Executor, spec: str, cluster: Cluster | None, args: tuple[Any, ...]) -> Any:
    """A local process reads the file itself; a cluster's worker is sent its files."""
    if cluster is None:
        return pool.submit(check_one, spec, *args)
    return pool.submit(check_shipped, ship(spec), *args)


def saved(summaries: list[Summary], expect: str) -> Report:
    """The run as a report (reference.reports): each implementation's provenance and results."""
    return Report(
        expect,
        tuple(
            Checked(
                Provenance.of(s.spec, _loaded_as(s.spec), s.module, s.file or _file(s.spec)),
                tuple(s.results),
                s.error,
                str(s.stopped or ""),
                s.not_run,
                s.printed,
                s.seconds,
            )
            for s in summaries
        ),
        stack_versions(),
    )


def _file(spec: str) -> str:
    """The file a spec names, where it names one that is there (a file that failed at import
    is still named by its hash)."""
    path = Path(spec).expanduser()
    return str(path.resolve()) if _loaded_as(spec) != "module" and path.is_file() else ""


def _loaded_as(spec: str) -> str:
    if is_notebook(spec):
        return "notebook"
    return "file" if spec.endswith(".py") or Path(spec).is_file() else "module"


@dataclass(frozen=True)
class Rendering:
    """How a run is written: in which format (reference.formats.FORMATS), where (standard
    output when ``to`` is None; a folder for Gradescope files of several submissions), and
    scored how (Gradescope's; reference.grading)."""

    format: str = "text"
    to: Path | None = None
    scoring: Scoring | None = None

    def problem(self, n_specs: int) -> str:
        """Why this rendering cannot hold a run of ``n_specs`` implementations ("" if it can)."""
        if self.format == "gradescope" and n_specs > 1 and self.to is None:
            return (
                "--format gradescope with several submissions writes a results file each: "
                "give --output FOLDER"
            )
        return ""

    def write(self, report: Report, expected_failures: dict[str, str]) -> None:
        """The report rendered; :class:`ReportError` if it cannot be written."""
        if self.format == "gradescope":
            scoring = self.scoring or grading.load(None)
            files = {
                name: json.dumps(grading.gradescope(c, report, scoring), indent=2) + "\n"
                for c, name in zip(report.checked, _file_names(report), strict=True)
            }
            if len(files) == 1 and (self.to is None or self.to.suffix == ".json"):
                self._put(next(iter(files.values())), self.to)
                return
            folder = self.to or Path(".")
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ReportError(f"cannot make the folder {folder}: {exc.strerror}") from None
            for name, content in files.items():
                self._put(content, folder / f"{name}.json")
            return
        renderers = {
            "text": lambda: text(report, expected_failures) + "\n",
            "json": lambda: dumps(report),
            "junit": lambda: junit(report),
        }
        self._put(renderers[self.format](), self.to)

    @staticmethod
    def _put(content: str, path: Path | None) -> None:
        if path is None:
            sys.stdout.write(content)
            return
        try:
            path.write_text(content)
        except OSError as exc:
            raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None
        print(f"written to {path}", file=sys.stderr)


def _file_names(report: Report) -> list[str]:
    """A file name for each implementation's results: its row's name ("ada/my_net.py" where
    stems are shared), with / as __."""
    shown = names([c.implementation.spec for c in report.checked])
    return [shown[c.implementation.spec].replace("/", "__") for c in report.checked]


def check_command(
    specs: list[str],
    expect: str,
    expected_failures: dict[str, str],
    jobs: int | None,
    only: list[str] | None = None,
    limits: Limits | None = None,
    report_to: Path | None = None,
    baseline_to: Path | None = None,
    rendering: Rendering = Rendering(),
    cluster: Cluster | None = None,
) -> int:
    """``check``: the run rendered (the table by default), then (when asked) saved as a
    report, or as a baseline when nothing failed."""
    try:
        summaries = check_all(specs, expect, expected_failures, jobs, only, limits, cluster=cluster)
    except KeyboardInterrupt as interrupted:  # what finished is reported; the rest is named
        done: dict[str, Summary] = interrupted.args[0]
        left = [s for s in specs if s not in done]
        print(f"interrupted: {len(left)} not checked: {', '.join(left)}", file=sys.stderr)
        if done:
            finished = saved([done[s] for s in specs if s in done], expect)
            print(text(finished, expected_failures))
        return 130
    ordered = [summaries[s] for s in specs]
    code = max(s.code for s in ordered)
    run = saved(ordered, expect)
    try:
        rendering.write(run, expected_failures)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return CANNOT_RUN
    if baseline_to is not None and code != PASSED:
        print(
            f"baseline not written: the run failed (exit {code}); --report saves any run",
            file=sys.stderr,
        )
        baseline_to = None
    for what, path in (("report", report_to), ("baseline", baseline_to)):
        if path is not None:
            try:
                save(run, path)
            except ReportError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return CANNOT_RUN
            print(f"{what} written to {path}", file=sys.stderr)
    return code


def against_command(
    new: str,
    old_text: str,
    expect: str,
    expected_failures: dict[str, str],
    jobs: int | None,
    only: list[str] | None = None,
    limits: Limits | None = None,
    *,
    baseline: bool = False,
    strict: bool = False,
    report_to: Path | None = None,
) -> int:
    """``check NEW --against OLD`` (or ``--baseline FILE``): both versions checked on the same
    inputs (side by side on two processes), or the new one against a saved report; what
    regressed, what was fixed, what moved (reference.regression). Exit 0 when nothing
    regressed (with ``strict``, when nothing changed), 1 when something did, 2 when either
    side cannot run."""
    try:
        old = resolve(old_text, report_only=baseline)
    except (VersionError, ReportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return CANNOT_RUN
    try:
        if old.report is not None:
            problem = _unusable(old.report, old_text, expect)
            if problem:
                print(f"error: {problem}", file=sys.stderr)
                return CANNOT_RUN
            summaries = check_all([new], expect, expected_failures, jobs, only, limits)
            was = old.report.checked[0]
            old_results, old_error = list(was.results), was.error
            if only:
                old_results = [r for r in old_results if r.check.startswith(tuple(only))]
        else:
            shown = {new: new, old.spec: old_text}
            summaries = check_all(
                [new, old.spec], expect, expected_failures, jobs, only, limits, shown
            )
            old_results, old_error = summaries[old.spec].results, summaries[old.spec].error
    except KeyboardInterrupt:
        print("interrupted: nothing compared", file=sys.stderr)
        return 130
    finally:
        old.close()
    now = summaries[new]
    errors = [(new, now.error), (old_text, old_error)]
    if any(error for _, error in errors):
        for name, error in errors:
            if error:
                print(f"error: {name} could not be checked: {error}", file=sys.stderr)
        return CANNOT_RUN
    try:
        transitions = compare(old_results, now.results)
        text = render(old_text, new, transitions)
    except Exception as exc:  # the harness's own failure: named, exit 2
        print(f"error: the harness failed comparing the versions: {exc!r}", file=sys.stderr)
        return CANNOT_RUN
    print(text)
    if now.stopped:
        print(f"\n{new} stopped the checks: its process {now.stopped}")
    if report_to is not None:
        try:
            save(saved([now], expect), report_to)
        except ReportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return CANNOT_RUN
    return max(exit_code(transitions, strict), int(now.stopped is not None))


def _unusable(report: Report, name: str, expect: str) -> str:
    """Why a saved report cannot be compared with this run ("" when it can); a report made
    with another stack is said, and compared."""
    if len(report.checked) != 1:
        return f"{name} holds {len(report.checked)} implementations; compare with a report of one"
    if report.expect != expect:
        return f"{name} was made with --expect {report.expect}; compare with the same expectation"
    current = stack_versions()
    if not same_stack(report.versions, current):
        differ = [
            f"{k} {report.versions.get(k)} (now {v})"
            for k, v in current.items()
            if report.versions.get(k, "").split("+")[0] != v.split("+")[0]
        ]
        print(
            f"note: {name} was made with another stack: {', '.join(differ)}; values may "
            "differ for that reason alone",
            file=sys.stderr,
        )
    return ""


def _one_thread() -> None:
    import torch

    torch.set_num_threads(1)


def _progress(i: int, n: int, s: Summary, name: str | None = None) -> None:
    verdict = s.error or (
        f"{s.count(Status.PASSED)} passed, {s.count(Status.KNOWN)} known, "
        f"{len(s.failures)} failed"
        + (f", {cannot} cannot run" if (cannot := s.count(Status.CANNOT_RUN)) else "")
        + (f"; stopped: {s.stopped}" if s.stopped else "")
    )
    print(f"[{i}/{n}] {name or impl_id(s.spec)}: {verdict}", file=sys.stderr, flush=True)
