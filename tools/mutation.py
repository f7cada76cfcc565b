"""``python -m tools mutation``: the mutation score of scratch/, after ``mutmut run``.

Reads mutmut's results, and ``tests/equivalent_mutants.md``, where each survivor that cannot
change any result is listed with the reason. Prints the score over the mutants that can be
killed, lists the survivors with no reason given, and exits 1 if there are any.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tests" / "equivalent_mutants.md"


def equivalent_mutants(path: Path = EQUIVALENTS) -> set[str]:
    """The mutant names listed as equivalent: each line ``- `name`: reason``."""
    return set(re.findall(r"^- `([^`]+)`:", path.read_text(), flags=re.M))


def main() -> int:
    if not (ROOT / "mutants").is_dir():
        print("error: no mutmut results here: run `nox -s mutants` (or `mutmut run`) first")
        return 2
    subprocess.run(
        [sys.executable, "-m", "mutmut", "export-cicd-stats"], check=True, capture_output=True
    )
    stats = json.loads((ROOT / "mutants" / "mutmut-cicd-stats.json").read_text())
    results = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    status = dict(
        line.strip().rsplit(": ", 1) for line in results.splitlines() if ": " in line.strip()
    )
    not_killed = {name for name, s in status.items() if s != "killed"}
    equivalent = equivalent_mutants() & not_killed
    unexplained = sorted(not_killed - equivalent)
    killable = len(status) - len(equivalent)
    print(
        f"mutants: {len(status)}; killed {stats['killed']}; equivalent (explained in "
        f"{EQUIVALENTS.relative_to(ROOT)}) {len(equivalent)}; not killed and not explained "
        f"{len(unexplained)}"
    )
    print(f"mutation score: {stats['killed']}/{killable} = {stats['killed'] / killable:.1%}")
    for name in unexplained:
        print(f"  {status[name]}: {name}   (mutmut show {name})")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
