"""The README's generated sections: the claims table, the divergence register and the
evaluation."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from reference.claims import claims_markdown
from reference.divergences import register_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
# What the README says is made by a command, not typed: each section between
# <!-- name:start --> and <!-- name:end --> comes from a function of the code.


def _evaluation() -> str:
    from tools.evaluation import evaluate, markdown  # about a minute on two cores

    return markdown(evaluate())


SECTIONS: dict[str, Callable[[], str]] = {
    "claims": claims_markdown,
    "register": register_markdown,
    "evaluation": _evaluation,
}


def section(text: str, name: str) -> str:
    """The text between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S)
    if match is None:
        raise ValueError(f"README.md has no '{name}' section markers")
    return match.group(1)


def update_readme(path: Path = README) -> None:
    text = path.read_text()
    for name, render in SECTIONS.items():
        old = section(text, name)
        text = text.replace(
            f"<!-- {name}:start -->\n{old}<!-- {name}:end -->",
            f"<!-- {name}:start -->\n{render()}<!-- {name}:end -->",
        )
    path.write_text(text)
