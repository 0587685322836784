"""The gradient of the mean squared error for the one-weight model y_hat = w * x (reference solution)."""

import torch


def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # d/dw (w x_i - y_i)^2 = 2 (w x_i - y_i) x_i: the chain rule, outer square then inner w x_i - y_i
    return (2 * (w * x - y) * x).mean()
