"""The confusion matrix and the most-confused pairs (reference solution)."""

import torch


def confusion_matrix(predicted: torch.Tensor, true: torch.Tensor) -> torch.Tensor:
    cells = true * 10 + predicted  # (N,): cell number of each digit, row = true digit
    return torch.bincount(cells, minlength=100).reshape(10, 10)  # (10, 10) int64


def most_confused(confusion: torch.Tensor, top: int) -> list[tuple[int, int, int]]:
    cells = [(int(confusion[t, p]), t, p) for t in range(10) for p in range(10) if t != p and confusion[t, p] > 0]
    cells.sort(key=lambda cell: (-cell[0], cell[1], cell[2]))  # largest first; ties by true, then predicted
    return [(t, p, count) for count, t, p in cells[:top]]
