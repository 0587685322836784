"""A collate function: the step where a DataLoader glues items into a batch (reference solution)."""

import torch


def collate_field(values: list) -> torch.Tensor:
    """One field of every item as one batch tensor."""
    if isinstance(values[0], torch.Tensor):
        return torch.stack(values)  # (B, *S): a new first axis, the batch axis
    if isinstance(values[0], float):
        return torch.tensor(values, dtype=torch.float64)  # (B,): default_collate keeps Python's double precision
    return torch.tensor(values)  # (B,) int64


def collate(items: list[tuple]) -> tuple[torch.Tensor, ...]:
    return tuple(collate_field(list(field)) for field in zip(*items))  # zip(*items): the items' field j together
