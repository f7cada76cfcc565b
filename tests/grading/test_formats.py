"""A run's formats, each rendered from the same report: JUnit XML valid against the format's
schema and read back by a JUnit reader, Gradescope's results.json by its spec's field list
and scored by the scoring file, the text table with its provenance."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import junitparser
import pytest
import xmlschema

from reference.checks import all_checks, run_checks
from reference.formats import junit, text
from reference.grading import VISIBILITIES, ScoringError, gradescope, load, parse
from reference.records import TUTORIAL as TUTORIAL_RECORDS
from reference.reports import Checked, Provenance, Report, stack_versions
from reference.results import Result, Status
from reference.subject import load_impl
from tests.paths import CATALOGUE, IMPLS

HERE = Path(__file__).parent
SLIP = CATALOGUE / "bce_grad_plus.py"  # dL/dyhat wrong: (yhat - y) / (yhat + yhat**2)
SLIP_NAME = "a sign lost in the simplification"
TUTORIAL = IMPLS / "tutorial_verbatim.py"
PARTIALS = ("partials-Sigmoid-1x1", "partials-BinaryCrossEntropyLoss-1x1", "partials-Linear-1x1")

# Gradescope's results.json, per gradescope/autograder_samples docs/specs.md.
TOP_FIELDS = {
    "score",
    "execution_time",
    "output",
    "output_format",
    "test_output_format",
    "test_name_format",
    "visibility",
    "stdout_visibility",
    "extra_data",
    "tests",
    "leaderboard",
}
TEST_FIELDS = {
    "score",
    "max_score",
    "status",
    "name",
    "name_format",
    "number",
    "output",
    "output_format",
    "tags",
    "visibility",
    "extra_data",
}


@cache
def _checked(path: Path) -> Checked:
    results = run_checks(load_impl(str(path)), select=lambda i: i.startswith(PARTIALS))
    return Checked(
        Provenance.of(path.name, "file", f"_impl_{path.stem}", str(path)), tuple(results)
    )


def _report(*checked: Checked) -> Report:
    return Report("tutorial", checked, stack_versions())


STOPPED = Checked(
    Provenance("loops.py", "file"),
    (
        Result("partials-Sigmoid-1x1-float32-seed0-cpu", Status.PASSED),
        Result(
            "partials-Sigmoid-1x1-float32-seed1-cpu",
            Status.FAILED,
            "the implementation's process ran past the time limit of 2 s (in it)\x01",
            quantity="stopped",
        ),
    ),
    stopped="ran past the time limit of 2 s (in partials-Sigmoid-1x1-float32-seed1-cpu)",
    not_run=("partials-Sigmoid-1x1-float32-seed2-cpu", "partials-Sigmoid-1x1-float32-seed3-cpu"),
)
BROKEN = Checked(Provenance("broken.py", "file"), error="cannot import: SyntaxError")

SCORING = """
details = "after_due_date"

[[test]]
name = "Sigmoid"
checks = ["partials-Sigmoid-*"]
points = 6
partial = false

[[test]]
name = "The loss"
checks = ["partials-BinaryCrossEntropyLoss-*"]
points = 4

[[test]]
name = "Everything else"
checks = ["*"]
points = 0
"""


def test_junit_is_valid_against_the_schema_and_read_back_with_its_counts(tmp_path: Path) -> None:
    report = _report(_checked(TUTORIAL), _checked(SLIP), STOPPED, BROKEN)
    path = tmp_path / "junit.xml"
    path.write_text(junit(report))
    xmlschema.XMLSchema(HERE / "junit.xsd").validate(path)
    suites = {s.name: s for s in junitparser.JUnitXml.fromfile(str(path))}
    for c in report.checked[:2]:
        suite = suites[Path(c.implementation.spec).stem]
        assert suite.tests == len(c.results)
        assert suite.failures == sum(r.status == Status.FAILED for r in c.results)
    assert suites["bce_grad_plus"].failures > 0
    assert suites["tutorial_verbatim"].failures == 0
    assert (suites["loops"].tests, suites["loops"].failures, suites["loops"].skipped) == (4, 1, 2)
    assert (suites["broken"].tests, suites["broken"].errors) == (1, 1)
    failed = next(
        case
        for case in suites["bce_grad_plus"]
        if case.result and case.name.startswith(PARTIALS[1])
    )
    assert SLIP_NAME in failed.result[0].text  # the failure in full, for CI's reader


def _sees(result: dict[str, object]) -> str:
    """What a student sees now: the outputs of visible tests and the submission's."""
    shown = [t["output"] for t in result["tests"] if t["visibility"] == "visible"]  # type: ignore[attr-defined]
    return "\n".join([str(result["output"]), *map(str, shown)])


def test_gradescope_has_the_specs_fields_and_the_scoring_files_scores() -> None:
    report = _report(_checked(SLIP))
    result = json.loads(json.dumps(gradescope(report.checked[0], report, parse(SCORING, "s"))))
    assert set(result) <= TOP_FIELDS
    for test in result["tests"]:
        assert set(test) <= TEST_FIELDS
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in VISIBILITIES
        assert 0 <= test["score"] <= test["max_score"]
    scored = {t["name"]: t for t in result["tests"]}
    # The slip's sigmoid is the tutorial's: every check passes. Its loss's dL/dyhat is wrong
    # in every partials check of the loss: none of those earns its share.
    assert scored["Sigmoid"]["score"] == 6
    assert scored["Sigmoid"]["status"] == "passed"
    assert scored["The loss"]["score"] == 0
    assert scored["The loss"]["max_score"] == 4
    assert result["score"] == pytest.approx(sum(t["score"] for t in result["tests"]))
    assert (
        result["extra_data"]["implementation"]["sha256"] == report.checked[0].implementation.sha256
    )


def test_partial_credit_is_in_proportion_to_the_checks_passed() -> None:
    results = _checked(SLIP).results
    loss = [r for r in results if r.check.startswith(PARTIALS[1])]
    mixed = Checked(
        Provenance("m.py"), (*loss[:1], *(Result(r.check, Status.PASSED) for r in loss[1:]))
    )
    report = _report(mixed)
    scored = {t["name"]: t for t in gradescope(mixed, report, parse(SCORING, "s"))["tests"]}
    assert scored["The loss"]["score"] == pytest.approx(4 * (len(loss) - 1) / len(loss), abs=1e-4)
    assert scored["The loss"]["output"].startswith(f"{len(loss) - 1} of {len(loss)} checks passed.")
    assert scored["The loss"]["status"] == "failed"  # not every check passed


def test_the_expected_values_and_slip_names_are_hidden_until_the_file_says() -> None:
    report = _report(_checked(SLIP))
    hidden = gradescope(report.checked[0], report, parse(SCORING, "s"))
    seen = _sees(hidden)
    assert "yours" in seen  # the student's own value and the input
    for secret in ("expected:", "exact value", SLIP_NAME):
        assert secret not in seen
    details = [t for t in hidden["tests"] if "details" in t.get("tags", ())]
    assert details
    assert all(t["visibility"] == "after_due_date" and t["max_score"] == 0 for t in details)
    assert any(SLIP_NAME in t["output"] for t in details)
    shown = gradescope(
        report.checked[0], report, parse(SCORING.replace("after_due_date", "visible"), "s")
    )
    assert SLIP_NAME in _sees(shown)


def test_a_stop_and_an_import_error_score_nothing_for_what_did_not_run() -> None:
    scoring = parse(SCORING, "s")
    stopped = {t["name"]: t for t in gradescope(STOPPED, _report(STOPPED), scoring)["tests"]}
    assert stopped["Sigmoid"]["score"] == 0  # all or nothing, and 3 of 4 did not pass
    assert "not run" in stopped["Sigmoid"]["output"]
    broken = gradescope(BROKEN, _report(BROKEN), scoring)
    assert broken["score"] == 0
    assert all("could not be imported" in t["output"] for t in broken["tests"])


def test_the_default_scoring_scores_every_check_of_the_tutorials_layers() -> None:
    scoring = load(None)
    assert all(scoring.test_of(c.id) for c in all_checks(layers=TUTORIAL_RECORDS))
    checked = _checked(TUTORIAL)  # its partials: full marks where they are all a test has
    tests = gradescope(checked, _report(checked), scoring)["tests"]
    ran = [t for t in tests if not t["output"].startswith("no check")]
    assert [t["name"] for t in ran] == ["Linear", "Sigmoid", "BinaryCrossEntropyLoss"]
    assert all(t["score"] == t["max_score"] == 10 for t in ran)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[test]]\nname='a'\nchecks=['nothing-*']\npoints=1", "matches no check"),
        ("[[test]]\nname='a'\nchecks=['*']\npoints=1\nweight=2", "unknown key 'weight'"),
        ("[[test]]\nname='a'\nchecks=['*']\npoints=-1", "points must be a number"),
        ("details='later'\n[[test]]\nname='a'\nchecks=['*']\npoints=1", "visibility 'later'"),
        ("[[test]\n", "is not TOML"),
        ("details='hidden'", "no [[test]] tables"),
    ],
    ids=["pattern", "unknown-key", "negative", "visibility", "toml", "no-tests"],
)
def test_a_bad_scoring_file_is_one_line_naming_the_problem(text: str, problem: str) -> None:
    with pytest.raises(ScoringError, match=problem.replace("[", r"\[")) as raised:
        parse(text, "grading.toml")
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith("grading.toml")


def test_the_text_names_each_file_by_its_hash_and_flags_the_same_code(tmp_path: Path) -> None:
    copy = tmp_path / "copy.py"
    copy.write_bytes(TUTORIAL.read_bytes())
    twin = Checked(
        Provenance.of("copy.py", "file", "_impl_copy", str(copy)), _checked(TUTORIAL).results
    )
    report = _report(_checked(TUTORIAL), twin, _checked(SLIP))
    shown = text(report, {})
    assert report.checked[0].implementation.sha256[:16] in shown
    assert "same code: tutorial_verbatim.py, copy.py" in shown
    assert "bce_grad_plus" not in shown.split("same code:")[1]


def test_the_example_autograders_scoring_file_scores_every_check_of_the_tutorial() -> None:
    scoring = load(Path(__file__).parents[2] / "examples" / "gradescope" / "scoring.toml")
    assert all(scoring.test_of(c.id) for c in all_checks(layers=TUTORIAL_RECORDS))
    assert sum(t.points for t in scoring.tests) == 100
