"""How a DataLoader cuts a dataset into batches: shapes and batches per epoch."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader, Dataset


@dataclass(frozen=True)
class BatchCount:
    """One DataLoader setting and the batches it really produced in one epoch."""

    batch_size: int
    drop_last: bool
    formula: int  # ceil(N / B), or floor(N / B) with drop_last
    loader_len: int  # len(loader)
    counted: int  # batches seen by iterating one epoch
    last_batch_rows: int
    rows_seen: int

    @property
    def agrees(self) -> bool:
        return self.formula == self.loader_len == self.counted


def batches_per_epoch(n_rows: int, batch_size: int, drop_last: bool) -> int:
    """ceil(N / B) batches, or floor(N / B) when the short last batch is dropped."""
    return n_rows // batch_size if drop_last else math.ceil(n_rows / batch_size)


def first_batch(dataset: Dataset, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """The first (features, labels) batch of a shuffled DataLoader: (B, F) and (B, 1)."""
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=generator)
    return next(iter(loader))


def count_batches(dataset: Dataset, batch_size: int, drop_last: bool) -> BatchCount:
    """Iterate one epoch and compare the batches seen with len(loader) and the formula."""
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=False, drop_last=drop_last)
    sizes = [labels.shape[0] for _, labels in loader]
    return BatchCount(
        batch_size=batch_size,
        drop_last=drop_last,
        formula=batches_per_epoch(len(dataset), batch_size, drop_last),
        loader_len=len(loader),
        counted=len(sizes),
        last_batch_rows=sizes[-1] if sizes else 0,
        rows_seen=sum(sizes),
    )


def count_table(dataset: Dataset, batch_sizes: list[int]) -> list[BatchCount]:
    """`count_batches` for every batch size, without and with drop_last."""
    return [count_batches(dataset, size, drop_last) for size in batch_sizes for drop_last in (False, True)]
