"""The catalogue of derivation slips: each a mistake a person deriving by hand could make,
written as an implementation (tests/impls/slips/), each turning the suite red, while the
tutorial's own code stays green.

One run of the suite, in a fresh process, against all of them at once; marked slow (about
30 s), so a plain ``pytest`` leaves it out and ``nox -s tests`` (CI) runs it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

IMPLS = Path(__file__).resolve().parent / "impls"
SLIPS = sorted(p for p in (IMPLS / "slips").glob("*.py") if not p.name.startswith("_"))
TUTORIAL = IMPLS / "tutorial_verbatim.py"
FILES = [
    "tests/test_layers.py",
    "tests/test_edges.py",
    "tests/test_network.py",
    "tests/test_gradcheck.py",
]
# One seed and two shapes of every parametrized check: enough to catch each slip.
SELECT = (
    "not cuda and not 17x5 and not (seed1 or seed2 or seed3 or seed4 or seed5 or seed6 or seed7)"
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def failures(run_suite: Callable[..., dict[str, list[str]]]) -> dict[str, list[str]]:
    return run_suite([str(TUTORIAL), *map(str, SLIPS)], FILES, SELECT)


def test_catalogue_is_large_enough() -> None:
    assert len(SLIPS) >= 15


@pytest.mark.parametrize("slip", SLIPS, ids=[p.stem for p in SLIPS])
def test_slip_turns_the_suite_red(failures: dict[str, list[str]], slip: Path) -> None:
    first_line = slip.read_text().splitlines()[0]
    assert failures[str(slip)], f"no test caught the slip {slip.stem}: {first_line}"


def test_the_tutorial_stays_green(failures: dict[str, list[str]]) -> None:
    assert failures[str(TUTORIAL)] == []
