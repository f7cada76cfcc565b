"""Each implementation apart from the harness (reference.isolation): whatever a submission does
to its own process (exit, hang, crash, allocate, print, start daemons, rewrite the harness),
the verdict is computed here, names what happened and in which call, and the next
implementation is judged as usual. The hostile submissions are in tests/impls/hostile/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from reference import wire
from reference.isolation import TOKEN, Apart, Limits, Subject, _descendants, run_apart
from reference.results import Status
from tests.paths import CATALOGUE, IMPLS, ROOT

HOSTILE = IMPLS / "hostile"
# A few checks of each kind that calls the network, enough to reach every method.
FEW = ("partials-MyNetwork-1x1-float64-seed0-lr0.01", "partials-Sigmoid-1x1-float64-seed0")
QUICK = Limits(import_s=30, call_s=5, total_s=60)


def _apart(name: str, limits: Limits = QUICK) -> Apart:
    return run_apart(str(HOSTILE / f"{name}.py"), select=lambda i: i.startswith(FEW), limits=limits)


@pytest.mark.slow
def test_an_exit_at_import_is_a_verdict_not_a_pass() -> None:
    apart = _apart("exit_at_import")
    assert apart.stopped is not None
    assert apart.stopped.at_import
    assert str(apart.stopped) == "exited with code 0 (at import)"
    assert apart.results == []


@pytest.mark.slow
def test_a_loop_in_a_method_is_stopped_at_the_call_limit() -> None:
    started = time.monotonic()
    apart = _apart("loop_in_method", Limits(import_s=30, call_s=2, total_s=60))
    assert time.monotonic() - started < 60  # stopped at the limit, not hung
    stopped = apart.stopped
    assert stopped is not None
    assert stopped.what == "ran past the time limit of 2 s"
    assert stopped.check.startswith("partials-MyNetwork-")


def test_a_slip_that_rewrites_the_harness_still_fails() -> None:
    """Its process has mismatch, judge, Check.judged and np.allclose made to agree and an
    exit handler that exits 0: none of it runs where the verdict is computed."""
    apart = _apart("patches_the_harness")
    assert apart.stopped is None
    failed = [r for r in apart.results if r.status == Status.FAILED]
    assert {(r.layer, r.quantity) for r in failed} >= {("Sigmoid", "dyhat/dz")}


def test_what_crosses_is_data_and_nothing_else() -> None:
    import numpy as np

    value: dict[str, Any] = {
        "a": np.arange(3, dtype=np.float32),
        "b": (1.5, float("nan")),
        "c": None,
    }
    back = wire.decode(wire.encode(value))
    assert back["a"].dtype == np.float32
    assert np.array_equal(back["a"], value["a"])
    assert back["b"][0] == 1.5
    assert np.isnan(back["b"][1])
    assert isinstance(wire.decode(wire.encode(object())), wire.Foreign)
    with pytest.raises(wire.WireError):
        wire.decode(b'{"__reduce__": "os.system"}')
    with pytest.raises(wire.WireError):
        wire.decode(b'{"array": "|O", "shape": [1], "bytes": ""}')


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "what", "at_import"),
    [
        ("os_exit_in_method", "exited with code 0", False),
        ("kills_itself", "was killed by SIGKILL (out of memory?)", False),
        ("loop_at_import", "ran past the time limit of 3 s", True),
        ("input_at_import", "cannot import implementation", True),
    ],
)
def test_each_way_a_process_stops_is_named(name: str, what: str, at_import: bool) -> None:
    apart = _apart(name, Limits(import_s=3 if name == "loop_at_import" else 30, call_s=5))
    stopped = apart.stopped
    assert stopped is not None
    assert stopped.what.startswith(what), stopped.what
    assert stopped.at_import == at_import


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "quantity"),
    [
        ("sys_exit_in_method", "raised SystemExit"),
        ("keyboard_interrupt_in_method", "raised KeyboardInterrupt"),
        ("huge_allocation", "raised MemoryError"),
    ],
)
def test_a_base_exception_or_a_memory_error_fails_its_check(name: str, quantity: str) -> None:
    apart = _apart(name)
    assert apart.stopped is None
    failed = [r for r in apart.results if r.failed]
    assert failed
    assert {r.quantity for r in failed} == {quantity}


@pytest.mark.slow
def test_output_is_kept_out_of_the_verdict_and_counted() -> None:
    apart = _apart("prints_a_lot")
    assert apart.stopped is None
    assert {r.status for r in apart.results} == {Status.PASSED}
    assert apart.output.dropped >= 50 * 2**20 - 4096


@pytest.mark.slow
def test_a_daemon_started_at_import_is_ended_with_the_process() -> None:
    with Subject(str(HOSTILE / "daemon_at_import.py"), QUICK) as subject:
        subject.ready()  # imported: the daemon is started
        # The daemon, in a session of its own, holds the subject's token in its environment.
        assert len(_descendants(subject.token)) == 2
    time.sleep(0.5)  # the kernel reaps what was killed
    assert [pid for pid in _descendants(subject.token) if not _zombie(pid)] == []


def _zombie(pid: int) -> bool:
    try:
        return "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True


def test_the_token_finder_finds_a_process_by_its_environment() -> None:
    env = {**os.environ, TOKEN: "probe-token"}
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], env=env)
    try:
        assert _descendants("probe-token") == [child.pid]
    finally:
        child.kill()
        child.wait()


@pytest.mark.slow
def test_a_run_of_several_goes_on_past_the_hostile_ones(tmp_path: Path) -> None:
    """check over a hostile file, the tutorial's code and a slip: each gets its verdict, the
    run exits with the highest code, and no traceback."""
    files = [
        HOSTILE / "os_exit_in_method.py",
        HOSTILE / "patches_the_harness.py",
        IMPLS / "tutorial_verbatim.py",
        CATALOGUE / "sigmoid_grad_no_square.py",
    ]
    run = subprocess.run(
        [sys.executable, "-m", "reference", "check", *map(str, files), "--only", "partials-"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert run.returncode == 1, run.stderr[-2000:]
    assert "Traceback" not in run.stdout + run.stderr
    table = run.stdout.split("\n\n")[0].splitlines()
    rows = {line.split()[0]: line.split() for line in table[1:]}
    assert rows["tutorial_verbatim"][3] == "0"  # the tutorial's own code: nothing failed
    assert rows["sigmoid_grad_no_square"][3] != "0"
    assert rows["patches_the_harness"][3] != "0"
    assert "stopped: exited with code 0" in " ".join(rows["os_exit_in_method"])


@pytest.mark.slow
def test_a_changed_installed_copy_is_refused(tmp_path: Path, installed_site: Path) -> None:
    """From a wheel installed outside the clone: a file of the harness rewritten after the
    install (as a submission running as root could) stops check with exit 2, naming it."""
    site = tmp_path / "site"
    shutil.copytree(installed_site, site)  # this test rewrites its copy
    env = {**os.environ, "PYTHONPATH": str(site)}
    command = [
        sys.executable,
        "-m",
        "reference",
        "check",
        "scratch",
        "--only",
        "partials-Linear-1x1",
    ]
    clean = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stderr[-2000:]
    with (site / "reference" / "tolerances.py").open("a") as f:
        f.write("# rewritten\n")
    changed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert changed.returncode == 2
    assert "reference/tolerances.py): reinstall it" in changed.stdout


def test_two_files_of_one_name_get_rows_of_their_own() -> None:
    from reference.formats import names

    assert names(["a/my_net.py", "b/my_net.py", "scratch"]) == {
        "a/my_net.py": "a/my_net.py",
        "b/my_net.py": "b/my_net.py",
        "scratch": "scratch",
    }
    # A course's download: a folder a student, the same file name in each.
    assert names(["c/ada/my_net.py", "c/bo/my_net.py"]) == {
        "c/ada/my_net.py": "ada/my_net.py",
        "c/bo/my_net.py": "bo/my_net.py",
    }


@pytest.mark.slow
def test_verify_of_a_file_that_exits_in_a_method_reports_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reference.__main__ import main

    spec = str(HOSTILE / "os_exit_in_method.py")
    assert main(["verify", "--impl", spec, "--epochs", "3", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "DIVERGES: the implementation's process exited with code 0 (in train)" in out


@pytest.mark.slow  # about 15 s: one implementation checked, then Ctrl-C during the next
def test_ctrl_c_prints_what_finished_and_names_the_rest() -> None:
    """Ctrl-C (SIGINT to the process group, as a terminal sends it) during a run of two: the
    finished implementation's row is printed, the other named, exit 130, no traceback."""
    import signal

    done, stuck = "scratch", str(IMPLS / "hostile" / "loop_in_method.py")
    command = [sys.executable, "-m", "reference", "check", done, stuck, "--jobs", "1"]
    command += ["--only", "partials-MyNetwork-1x1-float32-seed0"]
    run = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert run.stderr is not None
    for line in run.stderr:  # wait until the first has its verdict
        if line.startswith("[1/2]"):
            break
    time.sleep(2)  # the second is now in its never-ending call
    os.killpg(run.pid, signal.SIGINT)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 130
    assert "interrupted: 1 not checked: " + stuck in err
    assert out.splitlines()[1].split()[:4] == ["scratch", "3", "0", "0"]
    assert "Traceback" not in out + err


@pytest.mark.slow  # two check commands, a few checks each
def test_a_file_in_the_folder_check_runs_in_shadows_no_module_of_the_harness(
    tmp_path: Path,
) -> None:
    """A class's folder can hold a submission named copy.py (or random.py): neither the
    harness's process nor another submission's may import it for the standard library's."""
    shutil.copy(IMPLS / "tutorial_verbatim.py", tmp_path / "my_net.py")
    (tmp_path / "copy.py").write_text("raise SystemExit('a submission was imported as copy')\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for spec in ("my_net.py", "my_net"):  # a file, and a module found in that folder
        run = subprocess.run(
            [sys.executable, "-m", "reference", "check", spec, "--only", FEW[1]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert "1 passed" in run.stderr


@pytest.mark.slow  # the update property's 40 examples, in the implementation's process
def test_a_property_is_decided_here_on_its_own_draw_of_the_examples() -> None:
    """The implementation's process sends back what it gave on each example; a process that
    sends back no example (or others) fails, and the slip behind it is caught."""
    honest = run_apart(
        str(CATALOGUE / "update_lr_squared.py"),
        select=lambda i: i == "property-update-is-w-minus-lr-grad",
    )
    faking = _apart("fakes_the_properties", QUICK)  # FEW: none of the properties
    faked = run_apart(
        str(HOSTILE / "fakes_the_properties.py"),
        select=lambda i: i == "property-update-is-w-minus-lr-grad",
        limits=QUICK,
    )
    # Hypothesis's first example is all zeros: W does not move, b moves by lr * lr * dL/db.
    assert [(r.status, r.quantity) for r in honest.results] == [(Status.FAILED, "b after step")]
    assert [(r.status, r.quantity) for r in faked.results] == [(Status.FAILED, "examples")]
    assert "sent back 0 results for the 40 examples drawn" in faked.results[0].message
    assert faking.stopped is None


def test_weights_held_as_np_matrix_are_named_not_converted() -> None:
    """Every later check gives the network plain arrays; its initial weights are its own,
    and np.matrix (whose * and @ give the tutorial's code other shapes) is said."""
    apart = run_apart(
        str(IMPLS / "matrix_weights.py"), select=lambda i: i == "initial-weights-3x4-seed0"
    )
    (result,) = apart.results
    assert result.status == Status.FAILED
    assert result.quantity == "initial W"
    assert "is a numpy.matrix, not a NumPy array" in result.message


@pytest.mark.slow  # a second Python
def test_a_propertys_examples_are_the_same_in_another_process() -> None:
    """The harness judges on its own draw: the implementation's process must draw the same
    examples from the same seed, whatever else either has run before."""
    code = (
        "import hashlib, numpy as np\n"
        "from reference.checks.properties import PROPERTIES, TWO_LAYER_PROPERTIES, _examples\n"
        "h = hashlib.sha256()\n"
        "for name, prop in {**PROPERTIES, **TWO_LAYER_PROPERTIES}.items():\n"
        "    for example in _examples(name, prop):\n"
        "        for k in sorted(example): h.update(np.asarray(example[k]).tobytes())\n"
        "print(h.hexdigest())\n"
    )
    run = [sys.executable, "-c", code]
    here = subprocess.run(run, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    env = {**os.environ, "PYTHONHASHSEED": "7", "PYTHONPATH": str(ROOT)}
    there = subprocess.run(run, capture_output=True, text=True, check=True, cwd="/", env=env)
    assert here == there.stdout
    assert len(here.strip()) == 64
