"""Add a bias to every row (reference)."""

import torch


def add_bias(x: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return x + b  # (N, D) + (D,) broadcasts over the rows
