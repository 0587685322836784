"""A map-style Dataset over a CSV file, like the lesson's CsvDataset (reference solution)."""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset


def has_header(path: Path) -> bool:
    """Whether the first line is column names rather than numbers."""
    with open(path) as handle:
        first = handle.readline()
    try:
        [float(cell) for cell in first.split(",")]
    except ValueError:
        return True
    return False


class CsvDataset(Dataset):
    def __init__(self, path: str | Path) -> None:
        # ndmin=2 keeps a one-row file a table; float32 is the dtype of the model's weights
        table = np.loadtxt(path, delimiter=",", skiprows=int(has_header(Path(path))), ndmin=2, dtype=np.float32)
        table = torch.from_numpy(table)  # (N, F + 1)
        self.features = table[:, :-1]  # (N, F)
        self.labels = table[:, -1:]  # (N, 1): the slice -1: keeps the column axis

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.features[index], self.labels[index]  # (F,), (1,)

    def __len__(self) -> int:
        return self.features.shape[0]
