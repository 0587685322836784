"""The 2 -> hidden -> 2 classifier: it outputs one logit (a raw score) per class, no softmax."""

from __future__ import annotations

from torch import nn


def make_classifier(hidden: int, n_classes: int = 2) -> nn.Sequential:
    """A fresh 2 -> hidden -> n_classes ReLU net on the CPU, with PyTorch's default initial weights.

    Each Linear layer starts uniform in +-1/sqrt(fan_in); build it inside ``ctx.seeded(...)`` to get
    the same weights for the same seed.
    """
    return nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, n_classes))
