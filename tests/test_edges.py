"""The ±100 clamp and saturated logits: every edge point, every quantity, against torch.

Outcomes: a value that matches torch passes; a value that equals the register's tutorial value
at that point is an expected failure naming the divergence; anything else fails.
"""

from __future__ import annotations

from types import ModuleType

import pytest

from reference.cases import EdgePoint, edge_points
from reference.edges import judge_edge


@pytest.mark.parametrize("point", edge_points(), ids=lambda p: p.id)
def test_edge_matches_torch_or_known_divergence(
    impl: ModuleType, point: EdgePoint, device: str
) -> None:
    verdict = judge_edge(point, impl, device)
    if verdict.failures:
        pytest.fail("\n".join(verdict.failures), pytrace=False)
    if verdict.known:
        pytest.xfail("known divergence " + "; ".join(verdict.known))
