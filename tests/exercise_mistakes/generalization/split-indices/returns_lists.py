# expect: return a tensor
"""A seeded split of n examples into training and validation indices (reference solution)."""

import torch


def split_indices(n: int, fraction: float, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    n_val = int(n * fraction)  # rounded down
    order = torch.randperm(n, generator=generator)  # one shuffle of 0..n-1, drawn from the generator
    return order[: n - n_val].tolist(), order[n - n_val :].tolist()  # random_split's order: the training part first
