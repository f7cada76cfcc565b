"""In-process twins of the checks the suite runs apart, for mutation testing alone
(``nox -s mutants`` names this file; its name is not test_*.py, so no other run collects it).

tests/conformance runs every check with scratch in a process of its own (reference.isolation),
where mutmut's stats pass cannot see which functions a check reaches; here the same checks run
in the test process, as tests/project/test_stable.py runs scratch.stable's."""

from __future__ import annotations

from types import ModuleType

from reference.checks import Check, parametrize_with_checks


@parametrize_with_checks(["scratch"], apart=False)
def test_scratch_passes_every_check_in_process(impl: ModuleType, check: Check) -> None:
    check(impl)
