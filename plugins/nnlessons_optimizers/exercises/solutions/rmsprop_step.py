"""RMSprop, one step at a time, exactly as torch.optim.RMSprop does it (reference solution)."""

import torch


def rmsprop_step(g: torch.Tensor, state: dict, lr: float = 0.01, alpha: float = 0.9, eps: float = 1e-8) -> torch.Tensor:
    mean_square = alpha * state.get("E", torch.zeros_like(g)) + (1 - alpha) * g * g  # like g; E starts at 0
    state["E"] = mean_square
    return lr * g / (mean_square.sqrt() + eps)  # no bias correction in RMSprop
