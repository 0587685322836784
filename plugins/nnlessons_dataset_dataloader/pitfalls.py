"""Two things the notes get wrong, checked by running them: the base Dataset class, and label shapes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.utils.data import Dataset


@dataclass(frozen=True)
class Outcome:
    """What one line of code did: its result, or the exception it raised."""

    code: str
    result: str
    raised: bool


def _try(code: str, action: Callable[[], object]) -> Outcome:
    try:
        value = action()
    except Exception as exc:  # the point is to show which error a learner would see
        return Outcome(code, f"{type(exc).__name__}: {str(exc).splitlines()[0]}", True)
    return Outcome(code, repr(value) if not isinstance(value, str) else value, False)


def base_dataset_outcomes() -> list[Outcome]:
    """torch.utils.data.Dataset is an ordinary class: it can be built, it just has no items."""
    return [
        _try("Dataset()", lambda: type(Dataset()).__name__ + " object"),
        _try("Dataset()[0]", lambda: Dataset()[0]),
        _try("len(Dataset())", lambda: len(Dataset())),  # type: ignore[arg-type]
    ]


def label_column_shapes(table: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Shapes of table[:, -1] (one axis) and table[:, [-1]] (a column kept as a column)."""
    return table[:, -1].shape, table[:, [-1]].shape


def bce_shape_outcomes(batch_size: int, device: torch.device) -> list[Outcome]:
    """BCEWithLogitsLoss wants the target shaped like the model's logits: (B, 1) works, (B,) is refused."""
    loss_fn = nn.BCEWithLogitsLoss().to(device)
    logits = torch.zeros(batch_size, 1, device=device)  # (B, 1), what the model outputs; sigmoid(0) = 0.5
    column = torch.ones(batch_size, 1, device=device)  # (B, 1)
    flat = torch.ones(batch_size, device=device)  # (B,)
    return [
        _try(f"BCEWithLogitsLoss()(logits {list(logits.shape)}, target {list(column.shape)})",
             lambda: f"{loss_fn(logits, column).item():.6f}"),
        _try(f"BCEWithLogitsLoss()(logits {list(logits.shape)}, target {list(flat.shape)})",
             lambda: f"{loss_fn(logits, flat).item():.6f}"),
    ]
