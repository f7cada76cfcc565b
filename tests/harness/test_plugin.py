"""The ways in from a user's own project: the pytest plugin's ``--impl`` (with a space, a file
outside the clone), ``parametrize_with_checks`` in a user's test file, expected failures."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import CATALOGUE, IMPLS, ROOT

pytest_plugins = ["pytester"]

# One seed, the smallest shape, no float32 copies: a few dozen checks, enough to tell.
FEW = "seed0 and 1x1 and float64 and not fd and not training and not golden and not property"


@pytest.fixture
def elsewhere(pytester: pytest.Pytester) -> Path:
    """A user's folder outside the clone, holding the tutorial's code and one slip."""
    shutil.copy(IMPLS / "tutorial_verbatim.py", pytester.path / "my_net.py")
    shutil.copy(IMPLS / "broken_sign.py", pytester.path / "my_slip.py")
    return pytester.path


@pytest.mark.slow  # 5-12 s: it starts the implementation's process (and pytest)
def test_impl_with_a_space_and_a_file_outside_the_clone(
    pytester: pytest.Pytester, elsewhere: Path
) -> None:
    pytester.makepyfile(test_mine="def test_conformance(impl, check):\n    check(impl)\n")
    result = pytester.runpytest_subprocess(
        "--impl", str(elsewhere / "my_net.py"), "-k", FEW, "-p", "no:randomly"
    )
    assert result.ret == 0
    assert result.parseoutcomes()["passed"] == 6
    assert "implementations under test: " in result.stdout.str()


@pytest.mark.slow
def test_a_slip_fails_with_a_summary(pytester: pytest.Pytester, elsewhere: Path) -> None:
    pytester.makepyfile(test_mine="def test_conformance(impl, check):\n    check(impl)\n")
    result = pytester.runpytest_subprocess(
        "--impl", str(elsewhere / "my_slip.py"), "-k", FEW, "-p", "no:randomly"
    )
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["*bce-harness: failed checks by layer and quantity*", "BinaryCrossEntropyLoss dL/dyhat: *"]
    )


@pytest.mark.slow
def test_parametrize_with_checks_in_a_user_test_file(
    pytester: pytest.Pytester, elsewhere: Path
) -> None:
    pytester.makepyfile(
        test_mine="""
        from reference.checks import parametrize_with_checks

        @parametrize_with_checks(["my_net.py", "my_slip.py"], expected_failures={
            "raises-Linear-linear-wrong-length": "my code does not check lengths",
        })
        def test_mine(impl, check):
            check(impl)
        """
    )
    result = pytester.runpytest_subprocess("-k", FEW, "-p", "no:randomly", "-q")
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] > 0
    result.stdout.fnmatch_lines(["*my_slip-partials-BinaryCrossEntropyLoss-1x1-float64-seed0-cpu*"])
    assert "FAILED test_mine.py::test_mine[my_net-" not in result.stdout.str()


@pytest.mark.slow
def test_expected_failures_naming_no_check_is_an_error(
    pytester: pytest.Pytester, elsewhere: Path
) -> None:
    pytester.makepyfile(
        test_mine="""
        from reference.checks import parametrize_with_checks

        @parametrize_with_checks(["my_net.py"], expected_failures={"no-such-check": "typo"})
        def test_mine(impl, check):
            check(impl)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.stdout.fnmatch_lines(
        ["*expected_failures names checks that do not exist: no-such-check*"]
    )


@pytest.mark.slow
def test_an_import_error_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_mine="def test_conformance(impl, check):\n    check(impl)\n")
    result = pytester.runpytest_subprocess("--impl", "no_such_module_anywhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*cannot import implementation 'no_such_module_anywhere'*"])


@pytest.mark.slow
def test_a_two_layer_network_from_elsewhere_passes_and_its_slip_fails(
    pytester: pytest.Pytester,
) -> None:
    """pytest --impl on a correct two-layer network written against the README's API, and on
    a grown slip, from a folder outside the clone: the grown records' checks come with it."""
    shutil.copy(IMPLS / "correct/two_layer_from_scratch.py", pytester.path / "my_deep_net.py")
    slip = CATALOGUE / "grown_w2_not_transposed.py"
    shutil.copy(slip, pytester.path / "my_deep_slip.py")
    shutil.copy(slip.parent / "_grown.py", pytester.path / "_grown.py")
    pytester.makepyfile(test_mine="def test_conformance(impl, check):\n    check(impl)\n")
    few = "partials-TwoLayerNetwork and seed0 and float64"
    result = pytester.runpytest_subprocess(
        "--impl", "my_deep_net.py", "--expect", "torch", "-k", few, "-p", "no:randomly"
    )
    assert result.ret == 0
    assert result.parseoutcomes()["passed"] == 18  # 3 shapes x 3 activations x 2 reductions
    result = pytester.runpytest_subprocess(
        "--impl", "my_deep_slip.py", "-k", few, "-p", "no:randomly"
    )
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["*failed checks by layer and quantity*", "TwoLayerNetwork W1 after step: *"]
    )


@pytest.mark.slow
def test_impl_in_the_clone_collects_the_conformance_checks_alone() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--impl", "scratch", "--co", "-q", "-n", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    files = {line.split("::")[0] for line in run.stdout.splitlines() if "::" in line}
    assert files == {"tests/conformance/test_conformance.py"}, run.stdout[-2000:]


@pytest.mark.slow
def test_impl_that_exits_in_a_method_fails_there_and_the_run_ends_normally(
    pytester: pytest.Pytester,
) -> None:
    for name in ("_base.py", "os_exit_in_method.py"):
        shutil.copy(IMPLS / "hostile" / name, pytester.path / name)
    pytester.makepyfile(test_mine="def test_conformance(impl, check):\n    check(impl)\n")
    result = pytester.runpytest_subprocess(
        "--impl", str(pytester.path / "os_exit_in_method.py"), "-k", FEW, "-p", "no:randomly"
    )
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*the implementation's process exited with code 0 (in *"])
    assert result.parseoutcomes()["passed"] > 0  # the checks before the exit, and the layers'


@pytest.mark.slow
def test_parametrize_with_checks_on_a_file_that_rewrites_the_harness_still_fails_it(
    pytester: pytest.Pytester,
) -> None:
    """The decorator's way in: a slip that patches the harness, numpy and exits 0 at the end
    runs in its own process, and its wrong derivative fails here."""
    for name in ("_base.py", "patches_the_harness.py"):
        shutil.copy(IMPLS / "hostile" / name, pytester.path / name)
    pytester.makepyfile(
        test_mine="""
        from reference.checks import parametrize_with_checks

        @parametrize_with_checks(["patches_the_harness.py"])
        def test_mine(impl, check):
            check(impl)
        """
    )
    result = pytester.runpytest_subprocess("-k", FEW, "-p", "no:randomly", "-q")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*FAILED*patches_the_harness-partials-Sigmoid-1x1-float64-seed0*"])


@pytest.mark.slow  # pytest with two xdist workers
def test_under_xdist_only_the_workers_start_the_implementation(
    pytester: pytest.Pytester, elsewhere: Path
) -> None:
    """Each import of the implementation writes a line: one per worker, none for the
    controller, which runs no check."""
    count = pytester.path / "imports.txt"
    source = (elsewhere / "my_net.py").read_text()
    (elsewhere / "counted.py").write_text(
        f"with open({str(count)!r}, 'a') as _f:\n    _f.write('imported\\n')\n" + source
    )
    pytester.makepyfile(test_mine="def test_conformance(impl, check):\n    check(impl)\n")
    result = pytester.runpytest_subprocess(
        "--impl", str(elsewhere / "counted.py"), "-k", FEW, "-p", "no:randomly", "-n", "2"
    )
    assert result.ret == 0
    assert count.read_text().count("imported") == 2
