"""``python -m scratch``: the tutorial's training run, printing each epoch's loss."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np

from scratch import MyNetwork
from scratch.data import EPOCHS, IN_FEATURES, LR, OUT_FEATURES, SEED, train


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not (np.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite positive number, got {text}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scratch", description=__doc__)
    parser.add_argument(
        "--seed", type=int, default=SEED, help="np.random.seed (default %(default)s)"
    )
    parser.add_argument("--epochs", type=positive_int, default=EPOCHS, help="default %(default)s")
    parser.add_argument("--lr", type=positive_float, default=LR, help="default %(default)s")
    args = parser.parse_args(argv)

    np.random.seed(args.seed)
    net = MyNetwork(IN_FEATURES, OUT_FEATURES)
    for epoch_idx, total_loss in enumerate(train(net, args.epochs, args.lr)):
        print(f"Epoch: {epoch_idx} Loss: {total_loss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
