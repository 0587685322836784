"""The 1 -> 10 -> 1 regression net written two ways: an nn.Module subclass and an nn.Sequential.

`RegressionNet` lives at module level in this importable module on purpose: a
whole-model file stores only the class's import path
(``nnlessons_save_load.nets.RegressionNet``), and loading it imports the class
from there again.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class RegressionNet(nn.Module):
    """x -> Linear(1, hidden) -> ReLU -> Linear(hidden, 1); the ReLU is a function call inside forward."""

    def __init__(self, hidden: int = 10) -> None:
        super().__init__()
        self.hidden = nn.Linear(1, hidden)
        self.predict = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.predict(F.relu(self.hidden(x)))  # (N, 1) -> (N, hidden) -> (N, 1)


def sequential_net(hidden: int = 10) -> nn.Sequential:
    """The same maths as `RegressionNet`, with the ReLU as a layer of its own."""
    return nn.Sequential(nn.Linear(1, hidden), nn.ReLU(), nn.Linear(hidden, 1))


def copy_by_position(source: nn.Module, target: nn.Module) -> None:
    """Copy parameters in order, ignoring their names (their shapes must match one by one)."""
    renamed = dict(zip(target.state_dict().keys(), source.state_dict().values(), strict=True))
    target.load_state_dict(renamed)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
