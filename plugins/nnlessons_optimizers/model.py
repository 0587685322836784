"""The 1 -> hidden -> 1 ReLU net, initialised from a generator, and identical copies of it."""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence

import torch
from torch import nn


def make_net(hidden: int, generator: torch.Generator) -> nn.Sequential:
    """A fresh 1 -> hidden -> 1 net on the CPU whose weights come from `generator` (reproducible)."""
    net = nn.Sequential(nn.Linear(1, hidden), nn.ReLU(), nn.Linear(hidden, 1))
    initialise_like_pytorch(net, generator)
    return net


def initialise_like_pytorch(net: nn.Module, generator: torch.Generator) -> None:
    """PyTorch's default Linear init, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn from `generator`."""
    with torch.no_grad():
        for layer in net.modules():
            if isinstance(layer, nn.Linear):
                bound = 1.0 / math.sqrt(layer.in_features)
                layer.weight.uniform_(-bound, bound, generator=generator)
                layer.bias.uniform_(-bound, bound, generator=generator)


def identical_copies(net: nn.Module, count: int) -> list[nn.Module]:
    """`count` independent deep copies: same weights, separate tensors."""
    return [copy.deepcopy(net) for _ in range(count)]


def max_weight_difference(models: Sequence[nn.Module]) -> float:
    """Largest |difference| between any parameter of the first model and the same one of the others."""
    first = list(models[0].parameters())
    differences = [
        (p - q).abs().max().item()
        for other in models[1:]
        for p, q in zip(first, other.parameters(), strict=True)
    ]
    return max(differences, default=0.0)
