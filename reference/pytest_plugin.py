"""The pytest plugin (entry point ``pytest11``): ``--impl``, ``--expect``, ``--xfails-file``,
``--baseline``.

Loaded by pytest wherever the package is installed, before it reads its arguments, so that
``pytest --impl ~/work/my_net.py`` (with a space, a file anywhere) is understood. A test that
takes ``impl`` and ``check`` and is not already parametrized runs every check against every
``--impl``; one that takes only ``impl`` runs once per implementation:

    def test_conformance(impl, check):
        check(impl)

A registered divergence of the tutorial is reported as an expected failure (xfail) naming its
cause; a failure shows the check's evidence without a traceback into the harness; the end of
the run groups the failures by layer and quantity. With ``--baseline FILE`` (a report saved by
``check --save-baseline``) only the checks that regressed fail, each saying what it was
before; one that failed in the baseline too is an expected failure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reference.checks import (
    Check,
    CheckFailure,
    ContractBreach,
    KnownDivergence,
    all_checks,
    read_xfails,
    result_from,
)
from reference.compare import observing
from reference.isolation import Isolated
from reference.regression import Change, compare, in_full
from reference.reports import ReportError, load
from reference.results import Quantity, Result
from reference.subject import DEFAULT_IMPL, impl_id
from reference.verdicts import EXPECTATIONS

# Each implementation in a process of its own (reference.isolation), started at configure.
IMPLS = pytest.StashKey[dict[str, Isolated]]()
# This run's failures: counted by layer and quantity; the first in the order a derivation is
# read (the checks' generator order, whatever order the tests ran in); the groups shown in full.
_failed_by_what: Counter[str] = Counter()
_first_failure: dict[str, str] = {}
_shown: set[str] = set()
XFAILS = pytest.StashKey[dict[str, str]]()
BASELINE = pytest.StashKey[dict[str, Result] | None]()
SEEN = pytest.StashKey[list[Quantity]]()  # the quantities a test's check compared


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bce-harness", "checking a hand-derived network against torch.nn")
    group.addoption(
        "--impl",
        action="append",
        metavar="SPEC",
        help=f"implementation to check: a module name or a .py file (default: {DEFAULT_IMPL}); "
        "repeat it to check several in one run",
    )
    group.addoption(
        "--expect",
        choices=EXPECTATIONS,
        default="tutorial",
        help="tutorial: the tutorial's registered divergences are expected failures (default); "
        "torch: they are failures",
    )
    group.addoption(
        "--xfails-file",
        metavar="PATH",
        help="expected failures: one check id a line, its reason after '#'",
    )
    group.addoption(
        "--baseline",
        metavar="FILE",
        help="a report saved by check --save-baseline: fail only the checks that regressed",
    )


def impl_specs(config: pytest.Config) -> list[str]:
    return config.getoption("impl") or [DEFAULT_IMPL]


def _xdist_controller(config: pytest.Config) -> bool:
    """pytest-xdist's controller collects and runs no test (its workers start their own
    implementation's processes): it starts none."""
    return bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    specs = [] if _xdist_controller(config) else impl_specs(config)
    impls = {spec: Isolated(spec) for spec in specs}
    for spec, impl in impls.items():
        if impl.stopped is not None:
            for other in impls.values():
                other.close()
            raise pytest.UsageError(f"{spec}: {impl.stopped}")
    config.stash[IMPLS] = impls
    path = config.getoption("xfails_file")
    try:
        config.stash[XFAILS] = read_xfails(path) if path else {}
    except OSError as exc:
        raise pytest.UsageError(f"cannot read the expected-failures file: {exc}") from None
    config.stash[BASELINE] = _baseline(config)
    _failed_by_what.clear()
    _first_failure.clear()
    _shown.clear()


def _baseline(config: pytest.Config) -> dict[str, Result] | None:
    path = config.getoption("baseline")
    if not path:
        return None
    try:
        saved = load(Path(path))
    except ReportError as exc:
        raise pytest.UsageError(str(exc)) from None
    if len(saved.checked) != 1 or len(impl_specs(config)) != 1:
        raise pytest.UsageError(
            f"--baseline compares one implementation with a report of one: {path} holds "
            f"{len(saved.checked)}, --impl gives {len(impl_specs(config))}"
        )
    if saved.expect != config.getoption("expect"):
        raise pytest.UsageError(f"{path} was made with --expect {saved.expect}")
    return {r.check: r for r in saved.checked[0].results}


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = [
        f"implementations under test: {', '.join(impl_specs(config))} "
        f"(expect {config.getoption('expect')})"
    ]
    for spec, impl in config.stash[IMPLS].items():
        lacks = impl.subject.lacks if impl.subject is not None else []
        if lacks:
            lines.append(f"{spec} lacks {', '.join(lacks)}: the checks that need it fail")
    return lines


def _parametrized(metafunc: pytest.Metafunc) -> bool:
    return any(
        "impl" in str(mark.args[0]) for mark in metafunc.definition.iter_markers("parametrize")
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "impl" not in metafunc.fixturenames or _parametrized(metafunc):
        return
    config = metafunc.config
    impls = config.stash[IMPLS]
    if "check" not in metafunc.fixturenames:
        metafunc.parametrize("impl", list(impls.values()), ids=[impl_id(s) for s in impls])
        return
    xfails = config.stash[XFAILS]
    params = []
    for spec, module in impls.items():
        for check in all_checks(expect=config.getoption("expect"), profile=module.profile):
            marks = []
            if check.id in xfails:
                marks.append(pytest.mark.xfail(reason=xfails[check.id], strict=False))
            params.append(
                pytest.param(module, check, id=f"{impl_id(spec)}-{check.id}", marks=marks)
            )
    metafunc.parametrize(("impl", "check"), params)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    with observing() as seen:  # what the check compares, for --baseline
        item.stash[SEEN] = seen
        return (yield)


def _check_of(item: pytest.Item) -> Check | None:
    callspec = getattr(item, "callspec", None)
    check = callspec.params.get("check") if callspec is not None else None
    return check if isinstance(check, Check) else None


def _against_baseline(item: pytest.Item, call: pytest.CallInfo[None], report: Any) -> Any:
    """Only a regression fails; a failure the baseline had too is expected."""
    baseline, check = item.config.stash[BASELINE], _check_of(item)
    if baseline is None or check is None or check.id not in baseline:
        return None
    raised = call.excinfo.value if call.excinfo is not None else None
    known = (CheckFailure, KnownDivergence)
    if raised is not None and not isinstance(raised, known):
        return None  # not a check's verdict (the harness's error, the test's own): as it is
    was = baseline[check.id]
    seen = item.stash[SEEN] if SEEN in item.stash else []
    now = result_from(check.id, raised, seen=seen)
    regressed = [t for t in compare([was], [now]) if t.change == Change.REGRESSED]
    if regressed:
        report.outcome = "failed"
        report.longrepr = "\n".join(in_full(regressed[0]))
    elif now.failed:
        report.outcome = "skipped"
        report.wasxfail = f"failed in the baseline too ({was.layer} {was.quantity})".strip()
    elif raised is not None:
        return None  # a known divergence, as without a baseline
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.when == "call" and not report.skipped and _against_baseline(item, call, report):
        return report
    if call.when != "call" or call.excinfo is None or report.skipped:
        return report
    exc = call.excinfo.value
    if isinstance(exc, KnownDivergence):
        report.outcome = "skipped"
        report.wasxfail = str(exc)
    elif isinstance(exc, CheckFailure):
        what = "contract" if isinstance(exc, ContractBreach) else f"{exc.layer} {exc.quantity}"
        what = what.strip() or "an exception"
        # The evidence is the message; a traceback into the harness adds nothing. After the
        # first failure of a layer and quantity, the others show their first two lines.
        message = str(exc)
        repeat = what in _shown
        _shown.add(what)
        report.longrepr = "\n".join(message.splitlines()[:2]) if repeat else message
        callspec = getattr(item, "callspec", None)
        order = callspec.indices.get("check", 0) if callspec is not None else 0
        report.user_properties += [
            ("harness_failure", what),
            ("harness_order", order),
            ("harness_message", message),
        ]
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    properties = dict(report.user_properties)
    if report.failed and "harness_failure" in properties:
        _failed_by_what[str(properties["harness_failure"])] += 1
        order = int(str(properties["harness_order"]))
        if "order" not in _first_failure or order < int(_first_failure["order"]):
            _first_failure.update(
                order=str(order), nodeid=report.nodeid, message=str(properties["harness_message"])
            )


def pytest_unconfigure(config: pytest.Config) -> None:
    for impl in config.stash.get(IMPLS, {}).values():
        impl.close()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    xfails = config.stash[XFAILS]
    if xfails:
        ids = {
            check.id
            for module in config.stash[IMPLS].values()
            for check in all_checks(expect=config.getoption("expect"), profile=module.profile)
        }
        unmatched = sorted(set(xfails) - ids)
        if unmatched:
            terminalreporter.write_sep("-", "expected-failures entries that match no check")
            for entry in unmatched:
                terminalreporter.write_line(entry)
    if _failed_by_what:
        terminalreporter.write_sep("-", "bce-harness: failed checks by layer and quantity")
        for what, count in _failed_by_what.most_common():
            terminalreporter.write_line(f"{what}: {count}")
        terminalreporter.write_line("the first in the order a derivation is read, in full:")
        terminalreporter.write_line(_first_failure["nodeid"])
        terminalreporter.write_line(_first_failure["message"])
