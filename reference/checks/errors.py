"""Bad input: each input the tutorial's asserts reject must raise, not return a value."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy as np

from reference.checks.base import Check, Context
from reference.compare import CheckFailure
from reference.records import ErrorCase, Record


def _check(record: Record, case: ErrorCase) -> Check:
    def drive(impl: ModuleType) -> dict[str, Any]:
        """What the call did: raised (the exception type's names, its bases included), or
        returned (the value's repr)."""
        try:
            with np.errstate(all="ignore"):
                value = case.call(impl)
        except Exception as exc:
            return {"raised": [c.__name__ for c in type(exc).__mro__]}
        return {"returned": repr(value)}

    def judge(outcome: dict[str, Any]) -> None:
        if "returned" in outcome:
            raise CheckFailure(
                f"{record.name} returned {outcome['returned']} on bad input ({case.id}), where "
                "the tutorial's asserts reject it: raise an error instead",
                record.name,
                "error",
            )
        expected = {t.__name__ for t in case.raises}
        if not expected & set(outcome["raised"]):
            raise CheckFailure(
                f"{record.name} raised {outcome['raised'][0]} on bad input ({case.id}), where "
                f"{' or '.join(sorted(expected))} is the error to raise",
                record.name,
                "error",
            )

    return Check(f"raises-{record.name}-{case.id}", record.needs, drive, judge)


def generate(ctx: Context) -> Iterator[Check]:
    for record in ctx.records:
        for case in record.errors:
            yield _check(record, case)
