"""The same network the short way: nn.Sequential, nn.MSELoss and torch.optim.Adam on shuffled mini-batches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn


def build_sequential(n_features: int, hidden: int) -> nn.Sequential:
    """14 -> hidden -> 1 with relu, the hand network's shape (nn.Linear keeps weights as (out, in))."""
    return nn.Sequential(nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, 1))


def mini_batches(n_rows: int, batch_size: int, generator: torch.Generator, device: torch.device) -> list[torch.Tensor]:
    """A fresh shuffle of the row indices, cut into batches (the last may be shorter).

    Drawn on the CPU generator (the same order on every device), moved to `device` once per epoch.
    """
    order = torch.randperm(n_rows, generator=generator).to(device)  # (N,)
    return list(order.split(batch_size))


@dataclass
class AdamHistory:
    """Mean squared error on the training and held-out days after each epoch."""

    train: list[float] = field(default_factory=list)
    holdout: list[float] = field(default_factory=list)


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return nn.functional.mse_loss(model(x), y).item()


def train_with_adam(
    model: nn.Module,
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_holdout: torch.Tensor,
    y_holdout: torch.Tensor,
    epochs: int,
    lr: float,
    batch_size: int,
    generator: torch.Generator,
    on_epoch: Callable[[float], None] | None = None,
) -> AdamHistory:
    """The usual loop: forward, loss, zero_grad, backward, step, for every mini-batch of every epoch."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    history = AdamHistory()
    for _ in range(epochs):
        for rows in mini_batches(len(x_train), batch_size, generator, x_train.device):  # (B,) on the device
            loss = loss_fn(model(x_train[rows]), y_train[rows])  # (B, 1) vs (B, 1)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        history.train.append(evaluate(model, x_train, y_train))
        history.holdout.append(evaluate(model, x_holdout, y_holdout))
        if on_epoch is not None:
            on_epoch(history.train[-1])
    return history
