"""The tutorial's from-scratch NumPy network (``scratch.tutorial``), re-exported.

``scratch`` is an implementation in the harness's sense: ``pytest --impl scratch``.
"""

from scratch.tutorial import (
    BinaryCrossEntropyLoss,
    BinaryCrossEntropyLossPartials,
    Linear,
    LinearPartials,
    MyNetwork,
    Sigmoid,
    SigmoidPartials,
)

__all__ = [
    "BinaryCrossEntropyLoss",
    "BinaryCrossEntropyLossPartials",
    "Linear",
    "LinearPartials",
    "MyNetwork",
    "Sigmoid",
    "SigmoidPartials",
]
