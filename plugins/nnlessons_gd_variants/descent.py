"""Gradient descent on the one-weight model ``y_hat = w * x``: the loss, its gradient, and one loop for all variants."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


def exact_dtype(device: torch.device) -> torch.dtype:
    """float64 where the device has it (MPS has no float64, so float32 there)."""
    return torch.float32 if device.type == "mps" else torch.float64


def make_data(xs: list[float], ys: list[float], device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """The samples as two 1-D tensors on `device`, shape (N,) each."""
    dtype = exact_dtype(device)
    return torch.tensor(xs, dtype=dtype, device=device), torch.tensor(ys, dtype=dtype, device=device)


def mean_loss(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """MSE of ``w * x`` against ``y`` over the samples given: ``mean((w x - y)^2)``."""
    return ((w * x - y) ** 2).mean()


def gradient_formula(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """dL/dw written out: the mean of ``2 x (x w - y)`` over the samples given."""
    return (2 * x * (x * w - y)).mean()


def gradient_autograd(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """dL/dw from autograd, as the oracle for `gradient_formula`."""
    w_leaf = w.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(mean_loss(w_leaf, x, y), w_leaf)
    return grad


def least_squares_w(x: torch.Tensor, y: torch.Tensor) -> float:
    """The w that minimises the mean loss: ``sum(x y) / sum(x^2)`` (set dL/dw = 0)."""
    return float((x * y).sum() / (x * x).sum())


def batch_slices(n_samples: int, batch_size: int) -> list[slice]:
    """Consecutive batches; the last one is shorter when `batch_size` does not divide N."""
    return [slice(start, min(start + batch_size, n_samples)) for start in range(0, n_samples, batch_size)]


@dataclass
class Descent:
    """What one run of gradient descent did, one entry per update (index 0 = before any update).

    :ivar w: the weight after each update, shape (U + 1,).
    :ivar full_loss: the mean loss over *all* samples after each update, shape (U + 1,).
    :ivar batch_loss: the loss on the batch just used, after the update (what the notes print), shape (U,).
    :ivar updates_per_epoch: ceil(N / batch_size).
    :ivar first_order: the sample order of the first epoch (0..N-1 unless shuffled).
    """

    w: list[float]
    full_loss: list[float]
    batch_loss: list[float]
    updates_per_epoch: int
    first_order: list[int]

    @property
    def total_updates(self) -> int:
        return len(self.w) - 1

    def updates_until_close(self, target: float, tolerance: float) -> int | None:
        """The first update after which |w - target| < tolerance, or None if it never gets there."""
        for step, value in enumerate(self.w):
            if abs(value - target) < tolerance:
                return step
        return None


def epoch_order(n_samples: int, shuffle: bool, generator: torch.Generator | None) -> torch.Tensor:
    """Sample indices for one epoch: 0..N-1, or a permutation drawn on the CPU generator."""
    if shuffle:
        return torch.randperm(n_samples, generator=generator)
    return torch.arange(n_samples)


def descend(
    x: torch.Tensor,
    y: torch.Tensor,
    w0: float,
    lr: float,
    batch_size: int,
    epochs: int,
    shuffle: bool = False,
    generator: torch.Generator | None = None,
) -> Descent:
    """Gradient descent with batches of `batch_size`: N is batch GD, 1 is SGD, in between is mini-batch.

    The three variants are this one loop; only the batch size differs.
    """
    n_samples = x.shape[0]
    w = torch.tensor(w0, dtype=x.dtype, device=x.device)
    ws, full_losses, batch_losses = [w], [mean_loss(w, x, y)], []
    slices = batch_slices(n_samples, batch_size)
    orders = [epoch_order(n_samples, shuffle, generator) for _ in range(epochs)]  # on the CPU, for reproducibility
    for order in (torch.stack(orders).to(x.device) if orders else ()):  # (epochs, N): moved to the device once
        x_epoch, y_epoch = x[order], y[order]  # (N,) each, in this epoch's order
        for batch in slices:
            x_batch, y_batch = x_epoch[batch], y_epoch[batch]  # (B,) each; B = batch_size or the short rest
            w = w - lr * gradient_formula(w, x_batch, y_batch)
            ws.append(w)
            full_losses.append(mean_loss(w, x, y))
            batch_losses.append(mean_loss(w, x_batch, y_batch))
    return Descent(
        w=torch.stack(ws).tolist(),
        full_loss=torch.stack(full_losses).tolist(),
        batch_loss=torch.stack(batch_losses).tolist() if batch_losses else [],
        updates_per_epoch=len(slices),
        first_order=orders[0].tolist() if orders else list(range(n_samples)),
    )


def epoch_shrink_factor(x: torch.Tensor, lr: float, batch_size: int, order: list[int] | None = None) -> float:
    """How much one epoch multiplies the error |w - w*| when every sample agrees on w*.

    One update on a batch b does ``w - w* -> (1 - 2 lr mean_b(x^2)) (w - w*)``, so an epoch
    multiplies the error by the product over its batches. The product does not depend
    on the order of the batches, only on which samples share a batch: shuffling changes
    it for mini-batches, never for batch GD or SGD.

    :param order: the epoch's sample order (default 0..N-1).
    """
    x_epoch = x if order is None else x[torch.tensor(order, device=x.device)]  # (N,)
    factor = 1.0
    for batch in batch_slices(x.shape[0], batch_size):
        factor *= abs(1.0 - 2.0 * lr * float((x_epoch[batch] ** 2).mean()))
    return factor


def measured_shrink_factor(descent: Descent, target: float) -> float:
    """|w - target| after the first epoch divided by |w - target| before it."""
    before = abs(descent.w[0] - target)
    after = abs(descent.w[descent.updates_per_epoch] - target)
    return after / before if before > 0 else math.nan


def count_increases(values: list[float]) -> int:
    """How many steps made the value strictly larger than the step before."""
    return sum(1 for before, after in zip(values, values[1:]) if after > before)
