"""The race: every optimizer takes one step on each mini-batch before anyone sees the next."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from nnlessons_optimizers.catalogue import Settings, make_torch_optimizer
from nnlessons_optimizers.data import batches_of
from nnlessons_optimizers.model import identical_copies


@dataclass
class RaceResult:
    """Loss histories (on the CPU) and trained models, one column / entry per optimizer."""

    names: tuple[str, ...]
    models: list[nn.Module]
    batch_loss: Tensor  # (steps, K): loss of the mini-batch each optimizer stepped on
    full_loss: Tensor | None  # (steps, K): loss on all the data after each step, if tracked

    def final_full_loss(self, x: Tensor, y: Tensor) -> dict[str, float]:
        """Each trained model's MSE on all the data."""
        return {name: full_data_loss(model, x, y).item() for name, model in zip(self.names, self.models, strict=True)}


def full_data_loss(model: nn.Module, x: Tensor, y: Tensor) -> Tensor:
    """MSE on every point, without building a graph; a 0-d tensor on the model's device."""
    with torch.no_grad():
        return nn.functional.mse_loss(model(x), y)  # (N, 1) vs (N, 1)


def race(
    names: Sequence[str],
    start: nn.Module,
    settings: Settings,
    x: Tensor,
    y: Tensor,
    orders: Tensor,
    batch_size: int,
    track_full_loss: bool = True,
    on_epoch: Callable[[Tensor], None] | None = None,
) -> RaceResult:
    """Copy `start` once per optimizer and train all copies on the same batches, in the same order.

    :param orders: (epochs, N) index orders, on the same device as x and y.
    :param on_epoch: called after each epoch with the last batch losses, shape (K,).
    """
    models = identical_copies(start, len(names))
    optimizers = [make_torch_optimizer(n, m.parameters(), settings) for n, m in zip(names, models, strict=True)]
    loss_fn = nn.MSELoss()
    batch_losses: list[Tensor] = []
    full_losses: list[Tensor] = []
    for order in orders:  # (N,)
        for indices in batches_of(order, batch_size):  # (B,)
            x_batch, y_batch = x[indices], y[indices]  # (B, 1), (B, 1)
            step_losses = []
            for model, optimizer in zip(models, optimizers, strict=True):
                optimizer.zero_grad()
                loss = loss_fn(model(x_batch), y_batch)
                loss.backward()
                optimizer.step()
                step_losses.append(loss.detach())
            batch_losses.append(torch.stack(step_losses))  # (K,)
            if track_full_loss:
                full_losses.append(torch.stack([full_data_loss(m, x, y) for m in models]))  # (K,)
        if on_epoch is not None:
            on_epoch(batch_losses[-1])
    return RaceResult(
        names=tuple(names),
        models=models,
        batch_loss=torch.stack(batch_losses).cpu(),  # (steps, K)
        full_loss=torch.stack(full_losses).cpu() if track_full_loss else None,  # (steps, K)
    )
