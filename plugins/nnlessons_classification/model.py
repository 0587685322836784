"""The 2 -> hidden -> 2 classifier: it outputs one logit (a raw score) per class, no softmax."""

from __future__ import annotations

import math

import torch
from torch import nn


def make_classifier(hidden: int, generator: torch.Generator, n_classes: int = 2) -> nn.Sequential:
    """A fresh 2 -> hidden -> n_classes ReLU net on the CPU, weights drawn from `generator`."""
    net = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, n_classes))
    with torch.no_grad():
        for layer in net.modules():
            if isinstance(layer, nn.Linear):  # PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
                bound = 1.0 / math.sqrt(layer.in_features)
                layer.weight.uniform_(-bound, bound, generator=generator)
                layer.bias.uniform_(-bound, bound, generator=generator)
    return net
