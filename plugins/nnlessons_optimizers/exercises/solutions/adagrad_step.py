"""AdaGrad, one step at a time, exactly as torch.optim.Adagrad does it (reference solution)."""

import torch


def adagrad_step(g: torch.Tensor, state: dict, lr: float = 0.01, eps: float = 1e-10) -> torch.Tensor:
    sum_of_squares = state.get("G", torch.zeros_like(g)) + g * g  # like g; a sum, it only grows
    state["G"] = sum_of_squares
    return lr * g / (sum_of_squares.sqrt() + eps)  # eps after the root, as PyTorch does
