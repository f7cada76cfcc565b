"""A run as its readers read it, each rendered from the same :class:`~reference.reports.Report`:

- ``text``: the table a person reads (one row an implementation, then what each fails);
- ``json``: the report itself, lossless (reference.reports);
- ``junit``: JUnit XML, one testcase a check, for CI systems and pytest users;
- ``gradescope``: Gradescope's ``results.json``, scored by a scoring file (reference.grading).

No renderer parses a message: each reads the results' fields.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from reference.checks import all_checks
from reference.reports import Checked, Report
from reference.results import Grade, Result, Status
from reference.subject import impl_id

FORMATS = ("text", "json", "junit", "gradescope")


def graded_passes(results: Sequence[Result]) -> Counter[str]:
    """How many passing checks found each kind of value other than torch's (a check counts
    once for each kind it found)."""
    return Counter(
        label
        for r in results
        if r.status == Status.PASSED
        for label in dict.fromkeys(f.label for f in r.findings)
    )


def names(specs: Sequence[str]) -> dict[str, str]:
    """A short name for each implementation of a run (a file's stem, a module's name); where
    two would share one, the file with its folder ("ada/my_net.py"), else the path as given."""
    stems = Counter(impl_id(s) for s in specs)
    folders = Counter(_with_folder(s) for s in specs)
    return {
        s: impl_id(s)
        if stems[impl_id(s)] == 1
        else (_with_folder(s) if folders[_with_folder(s)] == 1 else s)
        for s in specs
    }


def _with_folder(spec: str) -> str:
    path = Path(spec)
    return f"{path.parent.name}/{path.name}" if path.parent.name else spec


def count(c: Checked, status: Status) -> int:
    return sum(r.status == status for r in c.results)


def failures(c: Checked) -> list[Result]:
    return [r for r in c.results if r.status == Status.FAILED]


# --- text -----------------------------------------------------------------------------------


def _contract_lines(checked: Sequence[Checked]) -> list[str]:
    """What each implementation lacks, once, before the table."""
    lines = []
    for c in checked:
        pieces = {piece for r in c.results for piece in r.missing}
        if pieces:
            lines.append(
                f"{c.implementation.spec} lacks: {', '.join(sorted(pieces))} "
                "(only the checks that need it fail)"
            )
    return [*lines, ""] if lines else []


def text(report: Report, expected_failures: dict[str, str]) -> str:
    rows = [("implementation", "passed", "known", "failed", "first failure")]
    named = names([c.implementation.spec for c in report.checked])
    for c in report.checked:
        name = named[c.implementation.spec]
        if c.error:
            rows.append((name, "-", "-", "-", f"could not run: {c.error}"))
            continue
        first = next((r for r in failures(c) if r.quantity != "stopped"), None)
        cannot = count(c, Status.CANNOT_RUN)
        note = f"{first.what} ({first.check})" if first else "-"
        if c.stopped:
            note = f"stopped: {c.stopped}" + (f"; first failure {note}" if first else "")
        if cannot:
            note = f"{cannot} checks cannot run (contract); " + note
        passed, n_known = count(c, Status.PASSED), count(c, Status.KNOWN)
        rows.append((name, str(passed), str(n_known), str(len(failures(c))), note))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = _contract_lines(report.checked) + [
        "  ".join(cell.ljust(w) for cell, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
        for r in rows
    ]
    for c in report.checked:
        spec = c.implementation.spec
        if c.stopped:
            lines += ["", f"{spec} stopped the checks: its process {c.stopped}"]
            if c.not_run:
                lines += [f"  {len(c.not_run)} checks after it not run"]
        if c.printed:
            lines += ["", f"{spec} printed {c.printed} bytes more than the report keeps"]
        wrong = failures(c)
        if wrong:
            by_what = Counter(r.what for r in wrong)
            lines += ["", f"{spec} fails:"]
            lines += [f"  {what}: {n} checks" for what, n in by_what.most_common()]
            lines += ["first failure, in full:", wrong[0].check, wrong[0].message]
        graded = graded_passes(c.results)
        if graded:
            lines += ["", f"{spec}: passes that differ from torch (checks):"]
            lines += [f"  {what}: {n}" for what, n in sorted(graded.items())]
        known = Counter(
            f.cause
            for r in c.results
            if r.status == Status.KNOWN
            for f in (r.findings if r.grade == Grade.KNOWN else ())
        )
        known += Counter(  # the expected-failures file's, by its reasons
            expected_failures[r.check]
            for r in c.results
            if r.status == Status.KNOWN and r.grade != Grade.KNOWN
        )
        if known and not c.error:
            lines += ["", f"{spec}: known divergences (the tutorial's, see the register):"]
            lines += [f"  {cause}: {n}" for cause, n in sorted(known.items())]
    lines += provenance_lines(report)
    ids = {r.check for c in report.checked for r in c.results} | {c.id for c in all_checks()}
    unmatched = sorted(set(expected_failures) - ids)
    if unmatched:
        lines += ["", "expected-failures entries that match no check:", *unmatched]
    return "\n".join(lines)


def provenance_lines(report: Report) -> list[str]:
    """Which code each row is of (its file's SHA-256 and module name), and which rows share
    their code."""
    named = names([c.implementation.spec for c in report.checked])
    lines = ["", "checked (sha256, module, file):"]
    for c in report.checked:
        p = c.implementation
        digest = p.sha256[:16] or "-"
        lines.append(f"  {named[p.spec]}  {digest}  {p.module or '-'}  {p.path or p.spec}")
    for group in report.same_code():
        lines.append(f"same code: {', '.join(group)}")
    return lines


# --- JUnit XML ------------------------------------------------------------------------------

# XML 1.0 has no place for most control characters: a message that holds one (an
# implementation's exception text can) is written with it replaced.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", text)


def _testcase(suite: ET.Element, name: str, check: str, result: Result | None) -> str:
    """One check as a testcase; what it counts as: "", "failures", "errors" or "skipped"."""
    layer = next((part for part in check.split("-")[1:2] if part[:1].isupper()), "")
    classname = f"{name}.{layer or check.split('-')[0]}"
    case = ET.SubElement(suite, "testcase", name=check, classname=_xml(classname), time="0")
    if result is None:
        ET.SubElement(case, "skipped", message="not run: the implementation's process stopped")
        return "skipped"
    if result.status == Status.FAILED:
        failure = ET.SubElement(case, "failure", message=_xml(f"{result.what}: wrong"))
        failure.set("type", "stopped" if result.quantity == "stopped" else "wrong")
        failure.text = _xml(result.message)
        return "failures"
    if result.status == Status.CANNOT_RUN:
        error = ET.SubElement(case, "error", message=_xml(result.message.splitlines()[0]))
        error.set("type", "cannot run")
        error.text = _xml(result.message)
        return "errors"
    if result.status == Status.KNOWN:
        ET.SubElement(case, "system-out").text = _xml(result.message)
    return ""


def junit(report: Report) -> str:
    """The run as JUnit XML: a testsuite an implementation (its provenance and the stack's
    versions as properties), a testcase a check; a failure is a ``failure``, a check that
    cannot run an ``error``, one its stop left unrun ``skipped``, an import that failed one
    ``error`` testcase."""
    root = ET.Element("testsuites", name="bce-harness check")
    named = names([c.implementation.spec for c in report.checked])
    totals: Counter[str] = Counter()
    for c in report.checked:
        name = named[c.implementation.spec]
        suite = ET.SubElement(root, "testsuite", name=_xml(name))
        properties = ET.SubElement(suite, "properties")
        described = {
            **{k: str(v) for k, v in c.implementation.__dict__.items()},
            "expect": report.expect,
            **{f"version {k}": v for k, v in report.versions.items()},
        }
        for key, value in described.items():
            ET.SubElement(properties, "property", name=key, value=_xml(value))
        counts: Counter[str] = Counter()
        if c.error:
            case = ET.SubElement(suite, "testcase", name="import", classname=name, time="0")
            error = ET.SubElement(case, "error", type="cannot be imported", message=_xml(c.error))
            error.text = _xml(c.error)
            counts["errors"] += 1
        for r in c.results:
            counts[_testcase(suite, name, r.check, r)] += 1
        for check in c.not_run:
            counts[_testcase(suite, name, check, None)] += 1
        tests = sum(counts.values())
        for key, n in (("tests", tests), *((k, counts[k]) for k in _COUNTED)):
            suite.set(key, str(n))
        suite.set("time", f"{c.seconds:.3f}")
        totals.update({"tests": tests, **{k: counts[k] for k in _COUNTED}})
    for key in ("tests", *_COUNTED):
        root.set(key, str(totals[key]))
    root.set("time", f"{sum(c.seconds for c in report.checked):.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


_COUNTED = ("failures", "errors", "skipped")
