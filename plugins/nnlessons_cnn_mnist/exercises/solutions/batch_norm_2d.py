"""BatchNorm2d by hand (reference solution)."""

import torch


def batch_norm_2d(x: torch.Tensor, running_mean: torch.Tensor, running_var: torch.Tensor, weight: torch.Tensor,
                  bias: torch.Tensor, training: bool, momentum: float = 0.1, eps: float = 1e-5) -> torch.Tensor:
    dims = (0, 2, 3)  # a channel's statistics: over the batch and every position
    if training:
        mean = x.mean(dims)  # (C,)
        var = x.var(dims, unbiased=False)  # (C,): what the batch is normalised with
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * x.var(dims, unbiased=True))  # unbiased, as PyTorch keeps it
    else:
        mean, var = running_mean, running_var
    shape = (1, -1, 1, 1)  # (C,) -> (1, C, 1, 1), broadcast over (B, C, H, W)
    return (x - mean.view(shape)) / torch.sqrt(var.view(shape) + eps) * weight.view(shape) + bias.view(shape)
