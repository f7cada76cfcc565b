"""The claims table: its own tests, and its agreement with the README and the test files."""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import pytest
import torch

import scratch
from reference.checks import all_checks
from reference.claims import CLAIMS, Claim, claims_markdown
from tests.paths import ROOT
from tools.readme import README, section


def test_torch_bce_default_is_the_mean() -> None:
    yhat, y = torch.tensor([0.2, 0.7, 0.9]), torch.tensor([0.0, 1.0, 1.0])
    per_element = torch.nn.BCELoss(reduction="none")(yhat, y)
    assert torch.nn.BCELoss()(yhat, y) == per_element.mean()
    assert torch.nn.BCELoss()(yhat, y) != per_element.sum()


def test_tutorial_network_has_no_forward(verbatim: ModuleType) -> None:
    assert not hasattr(verbatim.MyNetwork(3, 4), "forward")
    assert {"forward_loss", "update_weights"} <= set(vars(verbatim.MyNetwork))


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
    }


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.quote[:40])
def test_claim_names_tests_that_exist(claim: Claim) -> None:
    assert claim.verdict in {"holds", "holds with a condition", "does not hold"}
    from reference.divergences import causes

    assert set(claim.causes) <= set(causes()), f"unknown causes in {claim.causes}"
    check_ids = [check.id for check in all_checks(scratch)]
    for node in claim.tests:
        if node.startswith("check "):
            prefix = node.removeprefix("check ")
            assert any(i.startswith(prefix) for i in check_ids), f"no check id starts {prefix!r}"
            continue
        file, function = node.split("::")
        assert function in _test_functions(ROOT / file), f"{node} does not exist"


def test_readme_shows_the_claims() -> None:
    assert section(README.read_text(), "claims") == claims_markdown(), (
        "README.md's claims table is out of date: run `python -m tools readme`"
    )
