"""``python -m reference check SPEC ...``: every check against each implementation, in-process.

Several implementations (a teacher checking a class's submissions) run on the available cores
in parallel, each in its own process, with a line of progress as each finishes. The report
leads with one row per implementation (passed, known, failed, the first failure by layer and
quantity), then, for each that failed, what fails and at how many checks, and its first
failure in full. Exit 0 when nothing failed, 1 when an implementation failed a check, 2 when
the checks could not run (an import error, a contract breach).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from reference.checks import Result, all_checks
from reference.golden import same_stack
from reference.integrity import changed_files
from reference.isolation import Limits, Stopped, run_apart
from reference.regression import compare, exit_code, render
from reference.reports import Checked, Provenance, Report, ReportError, save, stack_versions
from reference.results import Grade, Status
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
    changed = changed_files()
    if changed:  # a submission before this one may have rewritten them
        shown = ", ".join(changed[:3]) + (" ..." if len(changed) > 3 else "")
        error = f"the harness's installed files changed since install ({shown}): reinstall it"
        return Summary(spec, error=error)
    select = (lambda check_id: check_id.startswith(only)) if only else None
    apart = run_apart(
        spec,
        expect=expect,
        expected_failures=expected_failures,
        select=select,
        limits=limits or Limits(),
    )
    stopped = apart.stopped
    if stopped is not None and stopped.at_import:
        return Summary(spec, apart.results, error=stopped.what)
    return Summary(spec, apart.results, "", stopped, apart.output.dropped, apart.module, apart.file)


def _contract_lines(summaries: list[Summary]) -> list[str]:
    """What each implementation lacks, once, before the table."""
    lines = []
    for s in summaries:
        pieces = {piece for r in s.results for piece in r.missing}
        if pieces:
            lines.append(
                f"{s.spec} lacks: {', '.join(sorted(pieces))} (only the checks that need it fail)"
            )
    return [*lines, ""] if lines else []


def graded_passes(results: list[Result]) -> Counter[str]:
    """How many passing checks found each kind of value other than torch's (a check counts
    once for each kind it found)."""
    return Counter(
        label
        for r in results
        if r.status == Status.PASSED
        for label in dict.fromkeys(f.label for f in r.findings)
    )


def names(specs: list[str]) -> dict[str, str]:
    """A short name for each implementation of a run (a file's stem, a module's name), the
    path where two would share one."""
    stems = Counter(impl_id(s) for s in specs)
    return {s: impl_id(s) if stems[impl_id(s)] == 1 else s for s in specs}


def report(summaries: list[Summary], expected_failures: dict[str, str]) -> str:
    rows = [("implementation", "passed", "known", "failed", "first failure")]
    named = names([s.spec for s in summaries])
    for s in summaries:
        if s.error:
            rows.append((named[s.spec], "-", "-", "-", f"could not run: {s.error}"))
            continue
        first = s.failures[0] if s.failures else None
        cannot = s.count(Status.CANNOT_RUN)
        note = f"{first.what} ({first.check})" if first else "-"
        if s.stopped:
            note = f"stopped: {s.stopped}" + (f"; first failure {note}" if first else "")
        if cannot:
            note = f"{cannot} checks cannot run (contract); " + note
        rows.append(
            (
                named[s.spec],
                str(s.count(Status.PASSED)),
                str(s.count(Status.KNOWN)),
                str(len(s.failures)),
                note,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = _contract_lines(summaries) + [
        "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
        for r in rows
    ]
    for s in summaries:
        if s.stopped:
            lines += ["", f"{s.spec} stopped the checks: its process {s.stopped}"]
        if s.printed:
            lines += ["", f"{s.spec} printed {s.printed} bytes more than the report keeps"]
        if s.failures:
            by_what = Counter(r.what for r in s.failures)
            lines += ["", f"{s.spec} fails:"]
            lines += [f"  {what}: {n} checks" for what, n in by_what.most_common()]
            lines += ["first failure, in full:", s.failures[0].check, s.failures[0].message]
        graded = graded_passes(s.results)
        if graded:
            lines += ["", f"{s.spec}: passes that differ from torch (checks):"]
            lines += [f"  {what}: {n}" for what, n in sorted(graded.items())]
        known = Counter(
            f.cause
            for r in s.results
            if r.status == Status.KNOWN
            for f in (r.findings if r.grade == Grade.KNOWN else ())
        )
        known += Counter(  # the expected-failures file's, by its reasons
            expected_failures[r.check]
            for r in s.results
            if r.status == Status.KNOWN and r.grade != Grade.KNOWN
        )
        if known and not s.error:
            lines += ["", f"{s.spec}: known divergences (the tutorial's, see the register):"]
            lines += [f"  {cause}: {n}" for cause, n in sorted(known.items())]
    ids = {r.check for s in summaries for r in s.results} | {c.id for c in all_checks()}
    unmatched = sorted(set(expected_failures) - ids)
    if unmatched:
        lines += ["", "expected-failures entries that match no check:", *unmatched]
    return "\n".join(lines)


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
) -> dict[str, Summary]:
    """Every implementation checked, on ``jobs`` processes, with a line of progress each (named
    as ``shown`` names them); on Ctrl-C, what finished (KeyboardInterrupt's ``args[0]``)."""
    shown = shown or {}
    limits = limits or Limits()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(specs), max_jobs(limits)))
    print(
        f"checking {len(specs)} implementation(s) against torch.nn, expecting {expect}'s values "
        f"at the registered divergences{f', on {jobs} processes' if jobs > 1 else ''}",
        file=sys.stderr,
    )
    summaries: dict[str, Summary] = {}
    args = (expect, expected_failures, tuple(only or ()), limits)
    try:
        if jobs == 1:
            for i, spec in enumerate(specs, 1):
                summaries[spec] = check_one(spec, *args)
                _progress(i, len(specs), summaries[spec], shown.get(spec))
        else:
            context = multiprocessing.get_context("spawn")  # torch and fork do not mix
            with ProcessPoolExecutor(jobs, mp_context=context, initializer=_one_thread) as pool:
                futures = {pool.submit(check_one, s, *args): s for s in specs}
                for i, future in enumerate(as_completed(futures), 1):
                    spec = futures[future]
                    summaries[spec] = future.result()
                    _progress(i, len(specs), summaries[spec], shown.get(spec))
    except KeyboardInterrupt:
        raise KeyboardInterrupt(summaries) from None
    return summaries


def saved(summaries: list[Summary], expect: str) -> Report:
    """The run as a report (reference.reports): each implementation's provenance and results."""
    return Report(
        expect,
        tuple(
            Checked(
                Provenance.of(s.spec, _loaded_as(s.spec), s.module, s.file),
                tuple(s.results),
                s.error,
                str(s.stopped or ""),
            )
            for s in summaries
        ),
        stack_versions(),
    )


def _loaded_as(spec: str) -> str:
    return "file" if spec.endswith(".py") or Path(spec).is_file() else "module"


def check_command(
    specs: list[str],
    expect: str,
    expected_failures: dict[str, str],
    jobs: int | None,
    only: list[str] | None = None,
    limits: Limits | None = None,
    report_to: Path | None = None,
    baseline_to: Path | None = None,
) -> int:
    """``check``: the table, then (when asked) the run saved as a report, or as a baseline
    when nothing failed."""
    try:
        summaries = check_all(specs, expect, expected_failures, jobs, only, limits)
    except KeyboardInterrupt as interrupted:  # what finished is reported; the rest is named
        done: dict[str, Summary] = interrupted.args[0]
        left = [s for s in specs if s not in done]
        print(f"interrupted: {len(left)} not checked: {', '.join(left)}", file=sys.stderr)
        if done:
            print(report([done[s] for s in specs if s in done], expected_failures))
        return 130
    ordered = [summaries[s] for s in specs]
    print(report(ordered, expected_failures))
    code = max(s.code for s in ordered)
    if baseline_to is not None and code != PASSED:
        print(
            f"baseline not written: the run failed (exit {code}); --report saves any run",
            file=sys.stderr,
        )
        baseline_to = None
    for what, path in (("report", report_to), ("baseline", baseline_to)):
        if path is not None:
            try:
                save(saved(ordered, expect), path)
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
        results = list(now.results)
        if now.stopped is not None and now.stopped.check:  # the check it stopped in failed
            what = f"the implementation's process {now.stopped}"
            results.append(Result(now.stopped.check, Status.FAILED, what, quantity="stopped"))
        transitions = compare(old_results, results)
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
