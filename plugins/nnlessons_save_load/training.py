"""Full-batch training of the regression net with SGD and MSE, as in the notes."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int, lr: float,
          after_step: Callable[[float], None]) -> list[float]:
    """`steps` SGD steps on all points at once; returns the loss before each step."""
    loss_fn = nn.MSELoss().to(x.device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(x), y)  # (100, 1) vs (100, 1)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        after_step(losses[-1])
    return losses


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The model's output in eval mode, without building a graph: (N, 1)."""
    model.eval()
    return model(x)


def max_abs_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return (a - b).abs().max().item()
