"""Sessions: ``nox -s tests`` (default), ``verify`` (the main job), ``check``, ``lint``,
``typecheck``, ``bench``, ``golden``, ``register``, ``mutants``.

Every session installs the reference stack from ``constraints.txt``, so that the golden
figures and the tests see the versions recorded next to them.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["tests"]

CONSTRAINTS = ("-c", "constraints.txt")


def install(session: nox.Session, extra: str) -> None:
    session.install(*CONSTRAINTS, "-e", f".[{extra}]")


@nox.session
def tests(session: nox.Session) -> None:
    """The whole suite, slow tests included, in random order (pytest-randomly prints its
    seed; `-- --randomly-seed=N` repeats an order) on 2 xdist workers. Pass pytest
    options after --, e.g. `-- --impl my_net.py`."""
    install(session, "test")
    # Twice the plain pytest's (and check's) budget of generated call sequences.
    session.run("pytest", "-m", "", *session.posargs, env={"BCE_HARNESS_SEQUENCES": "12"})


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install(*CONSTRAINTS, "ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy over the packages, the tests and the benchmarks."""
    install(session, "typecheck")
    session.run("mypy")


@nox.session
def verify(session: nox.Session) -> None:
    """The main job: python -m reference verify (options after --, e.g. -- --impl my_net.py)."""
    install(session, "test")
    session.run("python", "-m", "reference", "verify", *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """Every check against implementations: python -m reference check (arguments after --)."""
    install(session, "test")
    session.run("python", "-m", "reference", "check", *(session.posargs or ["scratch"]))


@nox.session
def mutants(session: nox.Session) -> None:
    """Mutation testing of scratch/ with mutmut, the parity suite as the killer; prints the
    score. Survivors that cannot change any result are explained in tests/equivalent_mutants.md."""
    install(session, "test,mutants")
    session.run("mutmut", "run", "--max-children", "2", success_codes=[0, 1])
    session.run("python", "-m", "tools", "mutation")


@nox.session
def golden(session: nox.Session) -> None:
    """Regenerate reference/data/golden/*.json with the pinned stack; print what changed."""
    install(session, "test")
    session.run("python", "-m", "tools", "golden")


@nox.session
def register(session: nox.Session) -> None:
    """Recompute the divergence register (reference/data/register.json) and the README's
    generated sections; fails on a new differing point that has no cause."""
    install(session, "test")
    session.run("python", "-m", "tools", "register")
    session.run("python", "-m", "tools", "readme")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks with JSON output, then the ratio tables and the picture (bench/report.py).

    Each run is also saved under .benchmarks/; compare with the last one by
    ``nox -s bench -- --benchmark-compare``.
    """
    install(session, "test,bench")
    Path("out/bench").mkdir(parents=True, exist_ok=True)  # pytest-benchmark writes, not creates
    session.run(
        "pytest",
        "bench",
        "--benchmark-only",
        "--benchmark-autosave",
        "--benchmark-json=out/bench/bench.json",
        *session.posargs,
    )
    session.run("python", "-m", "bench.report", "out/bench/bench.json")
