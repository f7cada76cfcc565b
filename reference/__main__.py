"""``python -m reference``: the harness's commands.

- ``check``: every check against one or more implementations (see :mod:`reference.runner`);
- ``verify``: the main job, training side by side (see :mod:`reference.verify`);
- ``register``: print the divergence register as the README shows it;
- ``claims``: print the tutorial's claims with their verdicts, as the README shows them.

Exit codes mean one thing each: 0 nothing failed, 1 the implementation failed a check or
diverged, 2 the checks could not run (bad arguments, no such device, an output folder that
cannot be written, an import error, a contract breach), always with a one-line message.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    # The folder the command runs in may hold submissions (a student's copy.py or random.py):
    # none may shadow a module of the harness's own process. Implementations are imported in
    # a process of their own, with this folder on its path (reference.isolation).
    sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from reference.formats import FORMATS
from reference.grading import VISIBILITIES
from reference.isolation import Limits
from reference.records import ACTIVATIONS, REDUCTIONS
from reference.subject import DEFAULT_IMPL
from reference.training import NETWORKS, Setup
from reference.verdicts import EXPECTATIONS
from scratch.data import DATA_SETS, EPOCHS, LR, SEED

CANNOT_RUN = 2


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not (np.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite positive number, got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reference", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("check", help="run every check against implementations")
    c.add_argument("impls", nargs="+", metavar="PATH_OR_MODULE", help="implementations to check")
    c.add_argument("--expect", choices=EXPECTATIONS, default="tutorial", help="%(default)s")
    c.add_argument("--xfails-file", type=Path, help="expected failures: check id, '#', reason")
    c.add_argument("--jobs", type=positive_int, help="processes (default: one per core)")
    c.add_argument(
        "--only",
        action="append",
        metavar="PREFIX",
        help="run only the checks whose id starts with PREFIX (repeatable), e.g. edge- or fd-",
    )
    # Saved results, and what a change did (reference.reports, reference.regression).
    c.add_argument("--report", type=Path, metavar="FILE.json", help="save the results as data")
    c.add_argument(
        "--save-baseline",
        type=Path,
        metavar="FILE",
        help="save the results as a baseline (only when nothing failed)",
    )
    c.add_argument(
        "--against",
        metavar="OLD",
        help="what changed from OLD: a .py file or module, a git revision of a file "
        "(REV:path, e.g. HEAD~1:my_net.py), or a saved report",
    )
    c.add_argument("--baseline", metavar="FILE", help="what changed from a saved baseline")
    c.add_argument(
        "--strict", action="store_true", help="with --against/--baseline: any change fails"
    )
    # How the run is written: for a person, for CI, for an autograder (reference.formats).
    c.add_argument("--format", choices=FORMATS, default="text", help="%(default)s")
    c.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="write there instead of standard output (a folder for gradescope's files of "
        "several submissions)",
    )
    c.add_argument(
        "--scoring",
        type=Path,
        metavar="FILE.toml",
        help="gradescope: points per test of checks (reference.grading; default: 10 a layer)",
    )
    c.add_argument(
        "--details",
        choices=VISIBILITIES,
        help="gradescope: when students see expected values and slip names (the scoring "
        "file's, else hidden)",
    )
    c.add_argument(
        "--run-all",
        action="store_true",
        help="notebooks: run every cell at import (default: their definitions only)",
    )
    c.add_argument(
        "--executor",
        metavar="ADDRESS",
        help="check on a Dask cluster: dask://HOST:PORT or a scheduler file (reference.cluster)",
    )
    # Each implementation runs in a process of its own, under these limits (reference.isolation).
    limits = Limits()
    for flag, field, kind, metavar, what in (
        ("--import-timeout", "import_s", positive_float, "S", "seconds its import may take"),
        ("--call-timeout", "call_s", positive_float, "S", "seconds one check's calls may take"),
        ("--timeout", "total_s", positive_float, "S", "seconds all its checks may take"),
        ("--memory-mb", "memory_mb", positive_int, "MB", "address space its process may take"),
    ):
        c.add_argument(
            flag,
            type=kind,
            default=getattr(limits, field),
            metavar=metavar,
            help=what + ": %(default)s",
        )
    v = commands.add_parser("verify", help="train an implementation and torch side by side")
    v.add_argument(
        "--impl",
        help=f"module or .py file ({DEFAULT_IMPL}; scratch.grown for batches or two layers)",
    )
    v.add_argument("--seed", type=int, default=SEED, help="%(default)s")
    v.add_argument("--epochs", type=positive_int, default=EPOCHS, help="%(default)s")
    v.add_argument("--lr", type=positive_float, default=LR, help="%(default)s")
    v.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    v.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="%(default)s")
    v.add_argument("--expect", choices=EXPECTATIONS, default="tutorial", help="%(default)s")
    v.add_argument("--out", type=Path, default=Path("out/verify"), help="%(default)s")
    v.add_argument("--network", choices=NETWORKS, default="tutorial", help="%(default)s")
    v.add_argument("--hidden", type=positive_int, default=8, help="two-layer: %(default)s")
    v.add_argument("--activation", choices=list(ACTIVATIONS), default="relu", help="%(default)s")
    v.add_argument("--batch-size", type=positive_int, default=1, help="%(default)s")
    v.add_argument("--reduction", choices=REDUCTIONS, default="sum", help="%(default)s")
    v.add_argument("--data", choices=list(DATA_SETS), default="tutorial", help="%(default)s")
    v.add_argument(
        "--against",
        metavar="OLD",
        default="",
        help="train an old version beside it: a .py file, a module, or REV:path (git)",
    )
    commands.add_parser("register", help="print the divergence register (Markdown)")
    commands.add_parser("claims", help="print the claims table (Markdown)")
    return parser


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return CANNOT_RUN


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "register":
        from reference.divergences import register_markdown

        print(register_markdown(), end="")
        return 0
    if args.command == "claims":
        from reference.claims import claims_markdown

        print(claims_markdown(), end="")
        return 0
    if args.command == "check":
        from reference.checks import read_xfails
        from reference.runner import check_command

        try:
            xfails = read_xfails(args.xfails_file) if args.xfails_file else {}
        except (OSError, UnicodeDecodeError) as exc:
            return _error(f"cannot read the expected-failures file: {exc}")
        if args.only:
            from reference.checks import all_checks

            unknown = [p for p in args.only if not any(c.id.startswith(p) for c in all_checks())]
            if unknown:
                return _error(f"--only {unknown[0]}: no check id starts with it")
        limits = Limits(
            args.import_timeout,
            args.call_timeout,
            args.timeout,
            args.memory_mb,
            run_all_cells=args.run_all,
        )
        if args.format != "gradescope" and (args.scoring or args.details):
            return _error("--scoring and --details score a gradescope run: add --format gradescope")
        from dataclasses import replace

        from reference.grading import ScoringError, load
        from reference.runner import Rendering

        try:
            scoring = load(args.scoring) if args.format == "gradescope" else None
        except ScoringError as exc:
            return _error(str(exc))
        if scoring is not None and args.details:
            scoring = replace(scoring, details=args.details)
        rendering = Rendering(args.format, args.output, scoring)
        if rendering.problem(len(args.impls)):
            return _error(rendering.problem(len(args.impls)))
        old = args.against or args.baseline
        if args.against and args.baseline:
            return _error("--against and --baseline: give one old version")
        if old is None:
            if args.strict:
                return _error("--strict needs --against or --baseline")
            from reference.cluster import Cluster, ClusterError

            try:
                cluster = Cluster(args.executor) if args.executor else None
            except ClusterError as exc:
                return _error(str(exc))
            try:
                return check_command(
                    args.impls,
                    args.expect,
                    xfails,
                    args.jobs,
                    args.only,
                    limits,
                    args.report,
                    args.save_baseline,
                    rendering,
                    cluster,
                )
            finally:
                if cluster is not None:
                    cluster.close()
        if args.format != "text" or args.output:
            return _error("--format and --output write a check; compare with --report FILE")
        if args.executor:
            return _error("--executor checks a class; compare versions on this machine")
        if len(args.impls) != 1:
            return _error(
                f"--{'against' if args.against else 'baseline'} compares one "
                f"implementation, got {len(args.impls)}"
            )
        if args.save_baseline:
            return _error(
                "--save-baseline with a comparison: save the baseline in a run of its own"
            )
        from reference.runner import against_command

        return against_command(
            args.impls[0],
            old,
            args.expect,
            xfails,
            args.jobs,
            args.only,
            limits,
            baseline=bool(args.baseline),
            strict=args.strict,
            report_to=args.report,
        )
    import torch

    from reference.verify import Settings, verify  # torch and matplotlib: only for verify

    if args.device == "cuda" and not torch.cuda.is_available():
        return _error("--device cuda: torch sees no CUDA device on this machine")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        probe = args.out / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        return _error(f"cannot write the output folder {args.out}: {exc.strerror or exc}")
    setup = Setup(
        args.network, args.hidden, args.activation, args.reduction, args.batch_size, args.data
    )
    if setup.problems():
        return _error(setup.problems()[0])
    # The tutorial's own code takes one sample at a time: batches and the hidden layer are
    # the grown derivation's (scratch.grown).
    tutorial_setup = args.network == "tutorial" and args.batch_size == 1
    impl = args.impl or (DEFAULT_IMPL if tutorial_setup else "scratch.grown")
    settings = Settings(
        impl,
        args.seed,
        args.epochs,
        args.lr,
        args.dtype,
        args.device,
        args.expect,
        setup,
        args.against,
    )
    return verify(settings, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
