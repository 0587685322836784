"""What shuffle=True does: a new order every epoch, the same orders again for the same seed."""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader, TensorDataset

from nnlessons_dataset_dataloader.dataset import CsvDataset


def epoch_orders(n_rows: int, batch_size: int, generator: torch.Generator | None, epochs: int) -> list[torch.Tensor]:
    """The row order of each epoch of one DataLoader; no generator means shuffle=False.

    The loader runs over the row numbers 0..N-1 themselves, so what it yields *is*
    the order. The order depends only on N and the generator,
    never on what the rows hold.
    """
    row_numbers = TensorDataset(torch.arange(n_rows))
    loader = DataLoader(row_numbers, batch_size=batch_size, shuffle=generator is not None, generator=generator)
    return [torch.cat([rows for (rows,) in loader]) for _ in range(epochs)]  # each (N,)


def epoch_features(dataset: CsvDataset, batch_size: int, generator: torch.Generator, epochs: int) -> list[torch.Tensor]:
    """The features a shuffled DataLoader over the real dataset yields, epoch by epoch: each (N, F)."""
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=generator)
    return [torch.cat([features for features, _ in loader]) for _ in range(epochs)]


def is_permutation(order: torch.Tensor) -> bool:
    """True if every row number 0..N-1 appears exactly once."""
    return torch.equal(order.sort().values, torch.arange(order.numel()))


def positions_differing(order_a: torch.Tensor, order_b: torch.Tensor) -> int:
    """How many of the N positions hold a different row in the two orders."""
    return int((order_a != order_b).sum())


def rows_mismatch(features_by_loader: torch.Tensor, dataset: CsvDataset, order: torch.Tensor) -> float:
    """Max |difference| between what the loader yielded and dataset.features[order] (0 if the order is right)."""
    return float((features_by_loader - dataset.features[order]).abs().max())
