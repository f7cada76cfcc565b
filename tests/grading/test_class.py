"""A teacher's class, from a plain install outside the clone: a folder of ten submissions
(notebooks and .py files, right and wrong) scored for Gradescope by a scoring file, with a
JSON report that names each file; the same verdicts on a local Dask cluster; and the example
autograder run the way Gradescope runs it."""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import junitparser
import pytest
import xmlschema

from tests.grading.notebooks import notebook_of
from tests.paths import CATALOGUE, IMPLS, ROOT

pytestmark = pytest.mark.slow

EXAMPLE = ROOT / "examples" / "gradescope"
TUTORIAL = (IMPLS / "tutorial_verbatim.py").read_text()
SIGN_SLIP = TUTORIAL.replace("(yhat - y) / (yhat - yhat**2)", "(y - yhat) / (yhat - yhat**2)")


def _class(folder: Path) -> dict[str, str]:
    """Ten submissions, each in a folder of its own as a course's download has them, and what
    each should get: "full" marks, "some" (a slip), or "none" (nothing could be checked)."""

    def student(name: str) -> Path:
        (folder / name).mkdir(parents=True)
        return folder / name

    (student("ada") / "my_net.py").write_text(TUTORIAL)
    notebook_of(TUTORIAL, student("bo") / "my_net.ipynb")
    shutil.copytree(folder / "bo", folder / "cy")  # the same code as bo's
    for name, slip in (("di", "bce_grad_plus.py"), ("io", "sigmoid_grad_no_square.py")):
        (student(name) / "my_net.py").write_text((CATALOGUE / slip).read_text())
        (folder / name / "_slip.py").write_text((CATALOGUE / "_slip.py").read_text())
    notebook_of(SIGN_SLIP, student("ed") / "my_net.ipynb")
    notebook_of(TUTORIAL, student("fa") / "my_net.ipynb", extra=("def f(:",))
    (student("gu") / "my_net.py").write_text("import numpy as np\nraise RuntimeError('todo')\n")
    # Right, and trains at another rate at import.
    (student("hu") / "my_net.py").write_text(TUTORIAL.replace("lr = 0.01", "lr = 0.05"))
    notebook_of(TUTORIAL, student("jo") / "my_net.ipynb", extra=())
    expected = dict.fromkeys(["ada", "bo", "cy", "hu", "jo"], "full")
    expected |= dict.fromkeys(["di", "ed", "io"], "some")
    expected |= dict.fromkeys(["fa", "gu"], "none")
    return {
        str(next((folder / s).glob("my_net.*"))): grade for s, grade in sorted(expected.items())
    }


def _env(site: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(site)}


def _score(results: list[dict[str, object]], scoring: dict[str, object]) -> dict[str, float]:
    """Each scoring test's points, computed from a JSON report's results by the file's rules
    (first matching test; partial credit in proportion; known counts as passed)."""
    tests = scoring["test"]
    assert isinstance(tests, list)
    earned: dict[str, list[bool]] = {t["name"]: [] for t in tests}
    for r in results:
        test = next(
            (t for t in tests if any(fnmatch.fnmatchcase(str(r["check"]), p) for p in t["checks"])),
            None,
        )
        if test is not None:
            earned[test["name"]].append(r["status"] in ("passed", "known"))
    points = {}
    for t in tests:
        got = earned[t["name"]]
        share = (sum(got) / len(got) if t.get("partial", True) else float(all(got))) if got else 0
        points[t["name"]] = t["points"] * share
    return points


def test_a_class_is_scored_by_the_scoring_file_with_provenance(
    installed_site: Path, tmp_path: Path
) -> None:
    specs = _class(tmp_path / "class")
    out, report = tmp_path / "gradescope", tmp_path / "report.json"
    scoring_file = EXAMPLE / "scoring.toml"
    command = [sys.executable, "-m", "reference", "check", *specs, "--format", "gradescope"]
    command += ["--scoring", str(scoring_file), "--output", str(out), "--report", str(report)]
    run = subprocess.run(
        command,
        cwd=tmp_path,
        env=_env(installed_site),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 2, run.stderr[-3000:]  # the highest code: two could not run
    saved = json.loads(report.read_text())
    assert saved["versions"]["bce-harness"] == "0.1.0"
    by_spec = {i["implementation"]["spec"]: i for i in saved["implementations"]}
    scoring = tomllib.loads(scoring_file.read_text())
    full = sum(t["points"] for t in scoring["test"])
    for spec, grade in specs.items():
        part = by_spec[spec]
        assert part["implementation"]["path"].endswith(Path(spec).name)
        assert len(part["implementation"]["sha256"]) == 64
        student = Path(spec).parent.name
        result = json.loads((out / f"{student}__{Path(spec).name}.json").read_text())
        scored = {
            t["name"]: t["score"] for t in result["tests"] if "details" not in t.get("tags", [])
        }
        if grade == "none":
            assert result["score"] == 0, student
            continue
        expected = _score(part["results"], scoring)
        assert scored == pytest.approx(expected, abs=1e-3), student
        assert result["score"] == pytest.approx(sum(expected.values()), abs=1e-3)
        assert (result["score"] == full) == (grade == "full"), (student, result["score"])
    assert saved["same_code"] == [[s for s in specs if "/bo/" in s or "/cy/" in s]]
    assert "code cell" in by_spec[next(s for s in specs if "/fa/" in s)]["error"]
    assert "same code:" not in run.stdout  # gradescope's files, not the table, were written


def test_the_cluster_gives_the_pools_verdicts_and_junit_from_a_plain_install(
    installed_site: Path, tmp_path: Path
) -> None:
    """The harness installed outside the clone, its workers started from that install."""
    specs = _class(tmp_path / "class")
    driver = tmp_path / "driver.py"
    driver.write_text(
        "import json, sys\n"
        "from distributed import LocalCluster\n"
        "from reference.__main__ import main\n"
        "if __name__ == '__main__':\n"
        "    specs, common = sys.argv[1:], ['--only', 'partials-', '--format', 'json']\n"
        "    main(['check', *specs, *common, '--output', 'pool.json'])\n"
        "    main(['check', *specs, '--only', 'partials-', '--format', 'junit',\n"
        "          '--output', 'junit.xml'])\n"
        "    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=':0') as c:\n"
        "        main(['check', *specs, *common, '--output', 'dask.json',\n"
        "              '--executor', c.scheduler_address.replace('tcp', 'dask')])\n"
    )
    run = subprocess.run(
        [sys.executable, str(driver), *specs],
        cwd=tmp_path,
        env=_env(installed_site),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]

    def verdicts(name: str) -> dict[str, tuple[str, str, list[tuple[str, ...]]]]:
        saved = json.loads((tmp_path / name).read_text())
        return {
            i["implementation"]["spec"]: (
                i["error"],
                i["implementation"]["sha256"],
                [(r["check"], r["status"], r["layer"], r["quantity"]) for r in i["results"]],
            )
            for i in saved["implementations"]
        }

    pool, dask = verdicts("pool.json"), verdicts("dask.json")
    assert pool == dask
    assert sum(bool(results) for _, _, results in pool.values()) == 8
    # The same run as JUnit XML, from the plain install: valid against the format's schema.
    xmlschema.XMLSchema(Path(__file__).parent / "junit.xsd").validate(tmp_path / "junit.xml")
    suites = list(junitparser.JUnitXml.fromfile(str(tmp_path / "junit.xml")))
    assert len(suites) == 10
    assert sum(s.errors for s in suites) == 2  # the two that could not be imported


def test_the_example_autograder_runs_as_gradescope_runs_it(
    installed_site: Path, tmp_path: Path
) -> None:
    root = tmp_path / "autograder"
    shutil.copytree(EXAMPLE, root / "source")
    (root / "submission").mkdir()
    notebook_of(SIGN_SLIP, root / "submission" / "homework.ipynb")
    env = {**_env(installed_site), "AUTOGRADER_ROOT": str(root), "PYTHON": sys.executable}
    run = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads((root / "results" / "results.json").read_text())
    scored = {t["name"]: t for t in result["tests"]}
    assert scored["Sigmoid: forward and derivative"]["score"] == 15
    assert scored["Binary cross entropy: loss, clamp and derivative"]["score"] < 30
    assert "homework.ipynb" in result["output"]
    # Hidden by the example's scoring file: the failures in full are for teachers only.
    assert all(
        t["visibility"] == "hidden" for t in result["tests"] if "details" in t.get("tags", [])
    )
    assert all(
        "expected:" not in t["output"] for t in result["tests"] if t["visibility"] == "visible"
    )

    (root / "submission" / "other.py").write_text(TUTORIAL)  # two candidates: said, not guessed
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, timeout=60)
    result = json.loads((root / "results" / "results.json").read_text())
    assert result["score"] == 0
    assert "hand in one notebook or .py file" in result["output"]
