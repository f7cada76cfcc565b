"""``python -m tools COMMAND``: the development commands (golden, register, readme, mutation,
evaluation)."""

from __future__ import annotations

import argparse
import sys


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__)
    parser.add_argument(
        "command", choices=["golden", "register", "readme", "mutation", "evaluation"]
    )
    parser.add_argument("sections", nargs="*", help="readme: only these sections")
    args = parser.parse_args()
    command = args.command
    if command == "golden":
        from tools.golden import regenerate

        regenerate()
        return 0
    if command == "register":
        from tools.register import regenerate as regenerate_register

        return regenerate_register()
    if command == "evaluation":
        from tools.evaluation import main as evaluation

        return evaluation()
    if command == "readme":
        from tools.readme import update_readme

        update_readme(only=tuple(args.sections))
        return 0
    from tools.mutation import main as mutation

    return mutation()


if __name__ == "__main__":
    sys.exit(main())
