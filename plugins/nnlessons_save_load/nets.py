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


class DropoutNet(nn.Module):
    """x -> Linear(1, hidden) -> ReLU -> Dropout -> Linear(hidden, 1), for the resumable-training exercise.

    It also counts the forward passes made in evaluation mode with autograd on (an evaluation
    that forgot ``torch.no_grad()``) in a buffer that is not part of its state_dict.
    """

    def __init__(self, hidden: int = 16, p: float = 0.2) -> None:
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(1, hidden), nn.ReLU(), nn.Dropout(p), nn.Linear(hidden, 1))
        self.register_buffer("graphs_in_eval", torch.zeros((), dtype=torch.int64), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training and torch.is_grad_enabled():
            self.graphs_in_eval += 1  # an evaluation that builds a graph nobody will use
        return self.layers(x)
