"""Dropout (reference solution)."""

import torch


def dropout(x: torch.Tensor, p: float, training: bool, generator: torch.Generator) -> torch.Tensor:
    if not training:
        return x  # eval(): the identity
    if p == 1:
        return torch.zeros_like(x)  # everything dropped; x / 0 would give nan
    keep = torch.rand(x.shape, generator=generator, dtype=x.dtype) >= p  # True with probability 1 - p
    return x * keep / (1 - p)  # kept values scaled so each element's expectation stays x
