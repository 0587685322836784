"""How much one epoch shrinks the error |w - w*| (reference solution)."""

import torch


def epoch_shrink_factor(x: torch.Tensor, lr: float, batch_size: int, order: torch.Tensor) -> torch.Tensor:
    x_epoch = x[order]  # (N,) in this epoch's order
    factor = torch.ones((), dtype=x.dtype)
    for start in range(0, len(x), batch_size):
        x_batch = x_epoch[start:start + batch_size]  # (B,); the last batch may be shorter
        factor = factor * (1 - 2 * lr * (x_batch ** 2).mean())  # one update's factor: negative if it overshoots
    return factor.abs()  # the error's size shrinks by |product|
