"""What the test run says: confusion matrix, the pairs of digits mixed up most often, the misclassified digits."""

from __future__ import annotations

import numpy as np
import torch

CLASSES = 10


def confusion_matrix(predicted: torch.Tensor, true: torch.Tensor) -> np.ndarray:
    """(10, 10) counts: row = true digit, column = predicted digit; the diagonal is correct."""
    return torch.bincount(true * CLASSES + predicted, minlength=CLASSES * CLASSES).reshape(CLASSES, CLASSES).cpu().numpy()


def most_confused_pairs(confusion: np.ndarray, top: int = 5) -> list[tuple[int, int, int]]:
    """(true, predicted, count) of the largest off-diagonal cells, largest first, only counts above 0.

    Ties are broken by the true digit, then the predicted one, so the list is the same every run.
    """
    cells = [(int(confusion[t, p]), t, p) for t in range(CLASSES) for p in range(CLASSES) if t != p and confusion[t, p] > 0]
    cells.sort(key=lambda cell: (-cell[0], cell[1], cell[2]))
    return [(t, p, count) for count, t, p in cells[:top]]


def misclassified(predicted: torch.Tensor, true: torch.Tensor, limit: int) -> np.ndarray:
    """Indices of the first `limit` test digits the model got wrong, in test order."""
    return torch.nonzero(predicted != true).flatten()[:limit].cpu().numpy()


def tie_groups(confusion: np.ndarray, pairs: list[tuple[int, int, int]]) -> dict[int, int]:
    """For each count shown in `pairs`, how many off-diagonal cells of `confusion` have it (shown or not).

    A count held by more than one cell is a tie: the order among those cells says nothing, and where the
    list stops inside a tie, cells with the same count are left out only by the tie-break.
    """
    off = confusion[~np.eye(len(confusion), dtype=bool)]
    return {count: int((off == count).sum()) for count in sorted({count for *_, count in pairs}, reverse=True)}
