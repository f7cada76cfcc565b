"""``python -m reference``: the harness's commands.

- ``verify``: the main job (see :mod:`reference.verify`);
- ``golden``: regenerate the golden trajectories under tests/golden and say what changed;
- ``register``: print the divergence register as the README shows it;
- ``claims``: print the tutorial's claims with their verdicts, as the README shows them;
- ``readme``: rewrite the README's generated sections (claims, register) from the tables.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from reference.divergences import register_markdown
from reference.impl import DEFAULT_IMPL
from scratch.__main__ import positive_float, positive_int
from scratch.data import EPOCHS, LR, SEED


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reference", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    v = commands.add_parser("verify", help="train an implementation and torch side by side")
    v.add_argument("--impl", default=DEFAULT_IMPL, help="module or .py file (%(default)s)")
    v.add_argument("--seed", type=int, default=SEED, help="%(default)s")
    v.add_argument("--epochs", type=positive_int, default=EPOCHS, help="%(default)s")
    v.add_argument("--lr", type=positive_float, default=LR, help="%(default)s")
    v.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    v.add_argument("--device", default="cpu", help="torch device (%(default)s)")
    v.add_argument("--out", type=Path, default=Path("out/verify"), help="%(default)s")
    commands.add_parser("register", help="print the divergence register (Markdown)")
    commands.add_parser("claims", help="print the claims table (Markdown)")
    commands.add_parser("readme", help="rewrite README.md's generated sections")
    commands.add_parser("golden", help="regenerate tests/golden/*.json, print what changed")
    args = parser.parse_args(argv)
    if args.command == "register":
        print(register_markdown(), end="")
        return 0
    if args.command == "claims":
        from reference.claims import claims_markdown

        print(claims_markdown(), end="")
        return 0
    if args.command == "readme":
        from reference.readme import update_readme

        update_readme()
        return 0
    if args.command == "golden":
        from reference.golden import regenerate

        regenerate()
        return 0
    from reference.verify import Settings, verify  # torch and matplotlib: only for verify

    settings = Settings(args.impl, args.seed, args.epochs, args.lr, args.dtype, args.device)
    return verify(settings, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
