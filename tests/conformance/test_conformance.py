"""Every check of the library against the implementations under test (``--impl``, default
``scratch``), with the expectation ``--expect`` (default: the tutorial's registered
divergences are expected failures). The plugin parametrizes this one test over
``reference.checks.all_checks``: the ids say the implementation and the check."""

from __future__ import annotations

from types import ModuleType

from reference.checks import Check


def test_conformance(impl: ModuleType, check: Check) -> None:
    check(impl)
