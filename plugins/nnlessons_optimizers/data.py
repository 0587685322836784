"""The regression data all optimizers share: y = x^2 + noise, and the batch order they all follow."""

from __future__ import annotations

import torch
from torch import Tensor


def make_parabola(n_points: int, noise_std: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """`n_points` evenly spaced x in [-1, 1] and y = x^2 + noise_std * N(0, 1), on the CPU."""
    x = torch.linspace(-1.0, 1.0, n_points).unsqueeze(1)  # (N, 1)
    noise = torch.randn(x.shape, generator=generator)  # (N, 1)
    y = x.pow(2) + noise_std * noise  # (N, 1)
    return x, y


def batch_orders(n_points: int, epochs: int, generator: torch.Generator) -> Tensor:
    """One shuffled index order per epoch; every optimizer walks through the same orders."""
    return torch.stack([torch.randperm(n_points, generator=generator) for _ in range(epochs)])  # (E, N)


def batches_of(order: Tensor, batch_size: int) -> tuple[Tensor, ...]:
    """Cut one epoch's index order into mini-batches; the last one may be shorter (like a DataLoader)."""
    return order.split(batch_size)  # each (B,), last (N mod B,) if N is not a multiple of B


def steps_per_epoch(n_points: int, batch_size: int) -> int:
    """Mini-batches per epoch, counting a short last batch: ceil(N / B)."""
    return -(-n_points // batch_size)


def noise_floor(x: Tensor, y: Tensor) -> float:
    """MSE of the true curve x^2 on the noisy data: no model can do meaningfully better."""
    return torch.mean((x.pow(2) - y) ** 2).item()
