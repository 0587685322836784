"""The course notes' batch gradient descent, bug kept on purpose: ``return`` sits inside the loop over samples."""

from __future__ import annotations

from dataclasses import dataclass

import torch


def cost_returning_early(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Meant to be mean((w x - y)^2); returns after the first sample, so it is (w x0 - y0)^2 / N."""
    total = torch.zeros_like(w)
    for x_i, y_i in zip(x, y):
        total = total + (w * x_i - y_i) ** 2
        return total / len(x)  # the bug: this line belongs after the loop
    return total / len(x)


def gradient_returning_early(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Meant to be mean(2 x (x w - y)); returns after the first sample, so it is 2 x0 (x0 w - y0) / N."""
    total = torch.zeros_like(w)
    for x_i, y_i in zip(x, y):
        total = total + 2 * x_i * (x_i * w - y_i)
        return total / len(x)  # the bug: this line belongs after the loop
    return total / len(x)


@dataclass
class BuggyRun:
    """The weights and the losses the buggy loop *reports*, one per epoch (index 0 = start)."""

    w: list[float]
    reported_loss: list[float]


def batch_descent_returning_early(x: torch.Tensor, y: torch.Tensor, w0: float, lr: float, epochs: int) -> BuggyRun:
    """The notes' batch loop with their buggy cost and gradient."""
    w = torch.tensor(w0, dtype=x.dtype, device=x.device)
    ws, reported = [w], [cost_returning_early(w, x, y)]
    for _ in range(epochs):
        w = w - lr * gradient_returning_early(w, x, y)
        ws.append(w)
        reported.append(cost_returning_early(w, x, y))
    return BuggyRun(w=torch.stack(ws).tolist(), reported_loss=torch.stack(reported).tolist())
