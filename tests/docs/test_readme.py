"""The README tells the truth where a test can tell: the commands it lists exist and accept the
options it names, and the counts it states come from the code."""

from __future__ import annotations

import argparse
import ast
import re
from types import ModuleType

import pytest

import scratch
import scratch.grown
import scratch.stable
from reference.__main__ import _parser
from reference.checks import Check, all_checks, result_of
from reference.checks.sequences import DEFAULT_SEQUENCES, budget
from reference.divergences import register
from reference.records import TUTORIAL
from reference.records.grown import TWO_LAYER
from reference.records.tutorial import NETWORK
from reference.results import Status
from tests.paths import ROOT

README = (ROOT / "README.md").read_text()


def _sessions() -> set[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("session" in ast.unparse(d) for d in node.decorator_list)
    }


def test_every_nox_session_named_exists() -> None:
    named = set(re.findall(r"nox -s (\w+)", README))
    assert named, "the README names no nox session"
    assert named <= _sessions(), f"named but missing: {named - _sessions()}"


def _options(command: str) -> set[str]:
    subparsers = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    parser = subparsers.choices[command]
    return {option for action in parser._actions for option in action.option_strings}


@pytest.mark.parametrize("command", ["check", "verify"])
def test_every_option_named_is_accepted(command: str) -> None:
    mentioned = set()
    for line in re.findall(rf"python -m reference {command}[^\n`]*", README):
        mentioned |= set(re.findall(r"--[a-z-]+", line))
    if command == "verify":  # "Options, after `--`: ..." lists verify's options
        options_line = README.split("Options, after `--`:")[1].split("\n\n")[0]
        mentioned |= set(re.findall(r"--[a-z-]+", options_line))
    if command == "check":
        mentioned |= set(re.findall(r"`(--only|--jobs|--expect|--xfails-file)", README))
    assert mentioned, f"the README names no option of {command}"
    assert mentioned <= _options(command), f"not accepted: {mentioned - _options(command)}"


def _number(pattern: str) -> int:
    match = re.search(pattern, README)
    assert match, f"the README no longer says {pattern!r}"
    return int(match.group(1))


def _at_default_budget(impl: ModuleType) -> list[Check]:
    """Its checks, with the default budget of generated sequences (nox -s tests runs more)."""
    default = {r.name: budget(r, DEFAULT_SEQUENCES) for r in (NETWORK, TWO_LAYER)}
    return [
        c
        for c in all_checks(impl, devices=("cpu",))
        if not c.id.startswith("sequence-")
        or int(c.id.rsplit("seed", 1)[1]) < default[c.id.split("-")[1]]
    ]


def test_counts_come_from_the_code() -> None:
    slips = [p for p in (ROOT / "reference/slips").glob("*.py") if not p.name.startswith("_")]
    assert _number(r"`reference/slips/`, (\d+) implementations") == len(slips)
    assert _number(r"\*\*(\d+) of \d+ turn the checks red\*\*") == len(slips)
    checks = _at_default_budget(scratch)
    assert _number(r"yields (\d+) checks for the tutorial's code") == len(checks)
    # The tutorial's known divergences: the edge checks with a register row beyond tolerance.
    known = {
        (r.layer, r.dtype, tuple(r.inputs.items()))
        for r in register()
        if not r.within_tolerance and r.layer in {record.name for record in TUTORIAL}
    }
    sequences = [c for c in checks if c.id.startswith("sequence-")]
    generated = sum(result_of(c, c.driven(scratch)).status == Status.KNOWN for c in sequences)
    assert _number(r"passes with \d+ known divergences \((\d+) at the register") == len(known)
    assert _number(r"register's edges, (\d+) among the generated") == generated
    assert _number(r"passes with (\d+) known divergences") == len(known) + generated
    assert _number(r"my_net +(\d+) +\d+ +0") == len(checks) - len(known) - generated
    grown = _at_default_budget(scratch.grown)
    assert _number(r"\(`scratch.grown`: (\d+) checks\)") == len(grown)
    stable = _at_default_budget(scratch.stable)
    assert _number(r"--expect torch`:\n?(\d+) passed") == len(stable)
    broken = sorted(p.name for p in (ROOT / "tests/impls").glob("broken_*.py"))
    assert broken == [f"broken_{n}.py" for n in ("bias", "chain", "clamp", "contract", "sign")]


def test_mutation_testing_runs_every_test_folder_but_the_ones_apart() -> None:
    """`nox -s mutants` (README: "What the suite catches") names its test folders one by one; a
    folder added to tests/ and not named there would silently kill no mutant."""
    import tomllib

    mutmut = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    selection = mutmut["pytest_add_cli_args_test_selection"]
    folders = {f"tests/{p.name}" for p in (ROOT / "tests").iterdir() if any(p.glob("test_*.py"))}
    apart = {"tests/conformance"}  # run in process through tests/mutation_twins.py
    assert folders - apart <= set(selection), folders - apart - set(selection)
    assert "tests/mutation_twins.py" in selection
    assert not apart & set(selection)
