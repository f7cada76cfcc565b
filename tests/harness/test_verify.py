"""The commands: ``verify`` (the main job) and ``check``, their reports and their exit codes
(0 nothing failed, 1 a failure, 2 could not run), in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

import scratch
from reference import records
from reference.__main__ import main
from reference.checks import all_checks, result_of
from reference.divergences import register
from reference.results import Status
from reference.verify import Settings, verify
from tests.paths import CATALOGUE, IMPLS

TUTORIAL = str(IMPLS / "tutorial_verbatim.py")


def test_verify_agrees_on_scratch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--epochs", "60", "--out", str(tmp_path)]) == 0
    stdout = capsys.readouterr().out
    assert "impl loss" in stdout
    assert "torch loss" in stdout
    assert "AGREES" in stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["verdict"] == "agree"
    assert len(report["trajectory"]["impl_loss"]) == 60
    assert report["edges"]["fail"] == []
    assert (tmp_path / "verify.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(
            ["--activation", "relu", "--batch-size", "4"],
            id="relu-b4-tutorial-data",
            marks=pytest.mark.slow,  # 1.1 to 1.7 s measured
        ),
        pytest.param(
            ["--activation", "tanh", "--reduction", "mean", "--batch-size", "8", "--data", "xor"],
            id="tanh-mean-b8-xor",
            marks=pytest.mark.slow,
        ),
        pytest.param(
            ["--activation", "sigmoid", "--dtype", "float64"],
            id="sigmoid-per-sample",
            marks=pytest.mark.slow,
        ),
    ],
)
def test_verify_trains_the_two_layer_network(
    options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """scratch.grown's two-layer network (the default implementation for it) against the
    torch twin built from its own layers; its edge grid is the grown records'."""
    argv = ["verify", "--network", "two-layer", *options, "--epochs", "40", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("verify scratch.grown against torch.nn: TwoLayerNetwork(hidden 8, ")
    assert "AGREES" in out
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["settings"]["setup"]["network"] == "two-layer"
    assert any(p.startswith("TwoLayerNetwork-") for p in report["edges"]["match"])
    assert report["edges"]["fail"] == []


@pytest.mark.slow  # over a second: a training run (or two) beside torch's
def test_verify_names_the_first_wrong_quantity_of_a_two_layer_slip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    slip = CATALOGUE / "grown_hidden_derivative_left_out.py"
    argv = ["verify", "--network", "two-layer", "--impl", str(slip), "--epochs", "20"]
    assert main([*argv, "--batch-size", "5", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "DIVERGES" in out
    assert (
        "the first wrong quantity, in the order a derivation is read: TwoLayerNetwork W1 after step"
        in out
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--reduction", "mean"], "the tutorial's MyNetwork sums its loss"),
        (["--activation", "tanh"], "--hidden and --activation need --network two-layer"),
    ],
)
def test_verify_names_an_impossible_setup(
    options: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", *options]) == 2
    assert f"error: {message}" in capsys.readouterr().err


def test_verify_trains_the_tutorial_network_on_batches_with_the_grown_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tutorial's own code takes one sample at a time; for batches the default is
    scratch.grown, whose MyNetwork takes them."""
    argv = ["verify", "--batch-size", "2", "--epochs", "20", "--out", str(tmp_path)]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith(
        "verify scratch.grown against torch.nn: MyNetwork, batch size 2, tutorial data"
    )


def test_verify_two_layer_names_a_missing_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["verify", "--network", "two-layer", "--impl", "scratch", "--out", str(tmp_path)]
    assert main(argv) == 2
    assert "missing: class TwoLayerNetwork" in capsys.readouterr().err


@pytest.mark.slow  # 5-12 s: it starts the implementation's process (and pytest)
def test_verify_on_the_tutorial_settings_compares_published_losses(tmp_path: Path) -> None:
    from reference.tolerances import PUBLISHED_ULPS

    assert verify(Settings("scratch"), tmp_path) == 0
    published = json.loads((tmp_path / "report.json").read_text())["published"]
    assert [row["epoch"] for row in published] == [1997, 1998, 1999]
    limit = PUBLISHED_ULPS["torch"]
    assert all(
        abs(row["impl_ulps"]) <= limit and abs(row["torch_ulps"]) <= limit for row in published
    )


@pytest.mark.slow  # over a second: a training run (or two) beside torch's
def test_verify_reports_are_byte_identical(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert verify(Settings("scratch", epochs=20, dtype="float64"), tmp_path / name) == 0
    assert (tmp_path / "a" / "report.json").read_bytes() == (
        tmp_path / "b" / "report.json"
    ).read_bytes()


@pytest.mark.slow  # over a second each: a training run beside torch's
@pytest.mark.parametrize(
    ("fixture", "what"),
    [
        ("broken_sign.py", "BinaryCrossEntropyLoss dL/dyhat"),
        ("broken_clamp.py", "BinaryCrossEntropyLoss loss"),
        ("broken_chain.py", "MyNetwork W after step"),
        ("broken_bias.py", "MyNetwork b after step"),
    ],
)
def test_broken_implementation_fails_verify(fixture: str, what: str, tmp_path: Path) -> None:
    """verify's verdict, and the quantity that is wrong (not the loss, which parts first)."""
    code = verify(Settings(str(IMPLS / fixture), epochs=30), tmp_path)
    assert code == 1
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["verdict"] == "diverge"
    assert f"{report['first_wrong']['layer']} {report['first_wrong']['quantity']}" == what


@pytest.mark.slow  # over a second: a training run (or two) beside torch's
def test_verify_expecting_torch_fails_the_tutorial_at_the_edges(tmp_path: Path) -> None:
    assert verify(Settings("scratch", epochs=5, expect="torch"), tmp_path) == 1
    assert verify(Settings("scratch.stable", epochs=5, expect="torch"), tmp_path) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--impl", str(IMPLS / "broken_contract.py")],
            "missing: MyNetwork.update_weights, class Sigmoid",
        ),
        (["--impl", "no_such_file.py"], "not found: no_such_file.py"),
        (
            ["--impl", "no_such_module_anywhere"],
            "cannot import implementation 'no_such_module_anywhere'",
        ),
        (
            ["--out", "/proc/cannot/write/here"],
            "cannot write the output folder /proc/cannot/write/here",
        ),
    ],
    ids=["contract", "missing-file", "import-error", "output-folder"],
)
def test_verify_could_not_run(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["verify", "--epochs", "2", *args]
    if "--out" not in args:
        argv += ["--out", str(tmp_path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1, err


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_verify_on_cuda_without_cuda(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--device", "cuda", "--out", str(tmp_path)]) == 2
    assert (
        capsys.readouterr().err
        == "error: --device cuda: torch sees no CUDA device on this machine\n"
    )


def test_unknown_option_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["verify", "--device", "foo"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'foo'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "only",
    [
        pytest.param(["--only", "edge-"], id="edges"),
        pytest.param([], id="all", marks=pytest.mark.slow),
    ],
)
def test_check_passes_the_tutorial_and_lists_its_known_divergences(
    only: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Every known divergence is an edge check or a generated sequence's (the tutorial's own
    values where its formulas part from torch), so the edges show all of the register's."""
    assert main(["check", TUTORIAL, *only]) == 0
    out = capsys.readouterr().out
    # Known: one edge check for each point where the register has a row beyond tolerance (of
    # the tutorial's layers: the grown derivation's rows are scratch.grown's).
    known = {
        (r.layer, r.dtype, tuple(r.inputs.items()))
        for r in register()
        if not r.within_tolerance and r.layer in {record.name for record in records.TUTORIAL}
    }
    chosen = [
        c for c in all_checks(scratch, devices=("cpu",)) if c.id.startswith(only[1] if only else "")
    ]
    sequences = [c for c in chosen if c.id.startswith("sequence-")]
    generated = sum(result_of(c, c.driven(scratch)).status == Status.KNOWN for c in sequences)
    assert out.splitlines()[1].split()[:4] == [
        "tutorial_verbatim",
        str(len(chosen) - len(known) - generated),
        str(len(known) + generated),
        "0",
    ]
    assert "zero-times-log-zero: " in out


@pytest.mark.slow  # 5-12 s: it starts the implementation's process (and pytest)
def test_check_names_the_slip_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", str(IMPLS / "broken_sign.py"), "--only", "partials-", "--only", "edge-"]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert (
        "BinaryCrossEntropyLoss dL/dyhat (partials-BinaryCrossEntropyLoss-1x1-float32-seed0-cpu)"
        in out
    )
    assert "first failure, in full:" in out


def test_check_on_a_contract_breach_runs_the_rest_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", str(IMPLS / "broken_contract.py")]) == 2
    out = capsys.readouterr().out
    assert (
        "lacks: MyNetwork.update_weights, class Sigmoid (only the checks that need it fail)" in out
    )
    assert out.startswith(f"{IMPLS / 'broken_contract.py'} lacks: "), "listed once, at the top"
    row = next(line for line in out.splitlines() if line.startswith("broken_contract ")).split()
    assert int(row[1]) > 0, "the checks that need nothing missing still run"


def test_check_on_an_import_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "no_such_module_anywhere"]) == 2
    assert "could not run: cannot import implementation" in capsys.readouterr().out


def test_check_reads_an_xfails_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xfails = tmp_path / "xfails.txt"
    xfails.write_text(
        "edge-BinaryCrossEntropyLoss-float32-yhat=0,y=0-cpu  # the tutorial's NaN, known\n"
        "edge-NoSuchLayer-float32-cpu  # a typo\n"
    )
    argv = ["check", "scratch", "--expect", "torch", "--only", "edge-BinaryCrossEntropyLoss"]
    assert main([*argv, "--xfails-file", str(xfails)]) == 1
    out = capsys.readouterr().out
    assert "expected-failures entries that match no check:\nedge-NoSuchLayer-float32-cpu" in out
    # The listed check is known, with its reason; every other BCE point where the register has
    # a divergence beyond tolerance fails under --expect torch; the rest pass.
    diverging = {
        (r.dtype, tuple(r.inputs.items()))
        for r in register()
        if r.layer == "BinaryCrossEntropyLoss" and not r.within_tolerance
    }
    counts = [str(40 - len(diverging)), "1", str(len(diverging) - 1)]
    assert out.splitlines()[1].split()[:4] == ["scratch", *counts]
    assert main(["check", "scratch", "--xfails-file", str(tmp_path / "none.txt")]) == 2
    assert "cannot read the expected-failures file" in capsys.readouterr().err


def test_check_only_an_unknown_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "scratch", "--only", "nothing-"]) == 2
    assert capsys.readouterr().err == "error: --only nothing-: no check id starts with it\n"


@pytest.mark.slow
def test_an_implementation_that_fails_in_its_first_epoch_gets_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """forward_loss returning None: the run stops at epoch 0, and verify still reports (the
    edge grid, the first wrong quantity, report.json), exit 1, with no traceback."""
    impl = tmp_path / "none_loss.py"
    impl.write_text(
        "from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid\n"
        "from scratch.tutorial import MyNetwork as Tutorial\n\n\n"
        "class MyNetwork(Tutorial):\n"
        "    def forward_loss(self, x, y):\n"
        "        return None\n"
    )
    assert main(["verify", "--impl", str(impl), "--out", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    assert "DIVERGES: the run stopped at epoch 0" in out
    assert "the first wrong quantity, in the order a derivation is read: MyNetwork loss" in out
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["verdict"] == "diverge"
    assert report["trajectory"]["impl_loss"] == []


def test_the_picture_shows_its_whole_title_and_the_tolerance_it_judges_by() -> None:
    from reference.tolerances import tolerance
    from reference.training import Trajectory
    from reference.verify import figure

    epochs = 5
    t = Trajectory(
        impl_loss=[2.0] * epochs,
        torch_loss=[2.0] * epochs,
        max_dw=[1e-7] * epochs,
        max_db=[1e-7] * epochs,
        w_scale=[3.0] * epochs,
        b_scale=[0.5] * epochs,
    )
    title = (
        "scratch.grown vs torch.nn (TwoLayerNetwork(hidden 8, tanh, mean), batch 8, float32, "
        "lr 0.01)"
    )
    fig = figure(t, title, "float32")
    fig.canvas.draw()
    top, bottom = fig.axes
    shown = top.title.get_window_extent()
    canvas = fig.bbox
    assert canvas.x0 <= shown.x0
    assert shown.x1 <= canvas.x1  # not cut at the right edge
    assert top.title.get_text().replace("\n", " ") == title
    lines = {line.get_label(): line.get_ydata() for line in bottom.get_lines()}
    loss, weights = tolerance("float32", "trajectory"), tolerance("float32", "trained weights")
    assert list(lines["tolerance loss"]) == pytest.approx([loss.atol + loss.rtol * 2.0] * epochs)
    assert list(lines["tolerance W"]) == pytest.approx([weights.atol + weights.rtol * 3.0] * epochs)
    assert list(lines["tolerance b"]) == pytest.approx([weights.atol + weights.rtol * 0.5] * epochs)
