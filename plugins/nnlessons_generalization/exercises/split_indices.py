"""A seeded split of n examples into training and validation indices.

Task: complete `split_indices(n, fraction, generator)` so it returns the indices of a training
part and a validation part of n examples (0, 1, ..., n - 1), drawn at random from `generator`.

Contract:
- the validation part holds int(n * fraction) indices (rounded down), the training part the rest;
- together the two parts hold every index exactly once;
- the split is the one torch.utils.data.random_split(range(n), [n - n_val, n_val], generator=generator)
  makes: the same indices, in the same order, from a generator in the same state. That
  function draws one random permutation of 0..n-1 from the generator and cuts it, the first
  part first;
- both results are int64 tensors of shape (n - n_val,) and (n_val,).

Example:

    >>> train, val = split_indices(10, 0.3, torch.Generator().manual_seed(0))
    >>> train, val
    (tensor([4, 1, 7, 5, 3, 9, 0]), tensor([8, 6, 2]))
    >>> split_indices(10, 0.3, torch.Generator().manual_seed(0))[1]   # the same seed, the same split
    tensor([8, 6, 2])

Rules: random_split itself is switched off (write the permutation and the cut). The check
compares with random_split for many n, fractions and seeds, including fraction 0 and n = 1.
"""

import torch


def split_indices(n: int, fraction: float, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    raise NotImplementedError("write this function")
