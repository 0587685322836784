"""One epoch of gradient descent on y_hat = w * x (reference solution)."""

import torch


def one_epoch(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor, lr: float, batch_size: int,
              order: torch.Tensor) -> torch.Tensor:
    x_epoch, y_epoch = x[order], y[order]  # (N,) each, in this epoch's order
    for start in range(0, len(x), batch_size):  # the last batch is the short rest
        x_batch = x_epoch[start:start + batch_size]  # (B,)
        y_batch = y_epoch[start:start + batch_size]  # (B,)
        w = w - lr * (2 * x_batch * (w * x_batch - y_batch)).mean()
    return w  # after the loop: every batch has been used
