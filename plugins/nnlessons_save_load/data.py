"""The regression data of the notes: y = x^2 plus uniform noise, on a grid of x in [-1, 1]."""

from __future__ import annotations

import torch


def make_curve(generator: torch.Generator, points: int, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    """x evenly spaced in [-1, 1] and y = x^2 + noise * U[0, 1), both (points, 1), on the CPU.

    The noise is uniform in [0, noise), so its mean is noise / 2: the best
    possible fit is x^2 + noise / 2, not x^2.
    """
    x = torch.linspace(-1, 1, points).unsqueeze(1)  # (100, 1)
    y = x.pow(2) + noise * torch.rand(x.shape, generator=generator)  # (100, 1)
    return x, y


def true_curve_loss(x: torch.Tensor, y: torch.Tensor, noise: float) -> float:
    """MSE of the best curve, x^2 + noise / 2: about noise^2 / 12, the floor a fit cannot beat on average."""
    return (y - x.pow(2) - noise / 2).pow(2).mean().item()
