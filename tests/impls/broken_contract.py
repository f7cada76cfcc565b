"""Not an implementation: it lacks Sigmoid and MyNetwork.update_weights."""

from scratch.tutorial import BinaryCrossEntropyLoss, Linear  # noqa: F401


class MyNetwork:
    def __init__(self, in_features: int, out_features: int) -> None:
        self.linear1 = Linear(in_features, out_features)

    def forward_loss(self, x, y):  # type: ignore[no-untyped-def]
        return 0.0
