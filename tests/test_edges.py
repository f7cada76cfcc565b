"""The ±100 clamp and saturated logits: every edge point, every quantity, against torch.

Outcomes: a value that matches torch passes; a value that equals the register's tutorial value
at that point is an expected failure naming the divergence; anything else fails.
"""

from __future__ import annotations

from types import ModuleType

import pytest

from reference.cases import EdgePoint, edge_points
from reference.edges import EdgeVerdict, judge_edge

LAYER_POINTS = [p for p in edge_points() if p.layer != "MyNetwork"]
NETWORK_POINTS = [p for p in edge_points() if p.layer == "MyNetwork"]


def outcome(verdict: EdgeVerdict) -> None:
    if verdict.failures:
        pytest.fail("\n".join(verdict.failures), pytrace=False)
    if verdict.known:
        pytest.xfail("known divergence " + "; ".join(verdict.known))


@pytest.mark.parametrize("point", LAYER_POINTS, ids=lambda p: p.id)
def test_layer_edge(impl: ModuleType, point: EdgePoint, device: str) -> None:
    outcome(judge_edge(point, impl, device))


@pytest.mark.parametrize("point", NETWORK_POINTS, ids=lambda p: p.id)
def test_network_edge(impl: ModuleType, step_path: str, point: EdgePoint, device: str) -> None:
    """The network at a saturated logit: loss, gradient and the weight after a step."""
    outcome(judge_edge(point, impl, device, step_path))
