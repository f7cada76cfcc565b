"""``python -m reference``: the harness's commands.

- ``register``: print the divergence register as the README shows it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from reference.divergences import register_markdown


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reference", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("register", help="print the divergence register (Markdown)")
    args = parser.parse_args(argv)
    if args.command == "register":
        print(register_markdown(), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
