"""Bad input: each input the tutorial's asserts reject must raise, not return a value."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import numpy as np

from reference.checks.base import Body, Check, Context
from reference.compare import CheckFailure
from reference.records import ErrorCase, Record


def _body(record: Record, case: ErrorCase) -> Body:
    def body(impl: ModuleType) -> None:
        try:
            with np.errstate(all="ignore"):
                value = case.call(impl)
        except case.raises:
            return
        except Exception as exc:
            raise CheckFailure(
                f"{record.name} raised {type(exc).__name__} on bad input ({case.id}), where "
                f"{' or '.join(t.__name__ for t in case.raises)} is the error to raise",
                record.name,
                "error",
            ) from exc
        raise CheckFailure(
            f"{record.name} returned {value!r} on bad input ({case.id}), where the tutorial's "
            "asserts reject it: raise an error instead",
            record.name,
            "error",
        )

    return body


def generate(ctx: Context) -> Iterator[Check]:
    for record in ctx.records:
        for case in record.errors:
            yield Check(f"raises-{record.name}-{case.id}", record.needs, _body(record, case))
