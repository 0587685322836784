"""`CsvDataset`, a map-style Dataset over a numeric CSV, and `WaitingDataset`, one that waits per item.

The classes live at module level on purpose: DataLoader workers are separate
processes, and under the ``spawn``/``forkserver`` start methods (macOS, Windows,
Python 3.14 on Linux) each worker unpickles the dataset, which means importing
its class by module path. A class defined inside a function cannot be imported.
"""

from __future__ import annotations

import time
from pathlib import Path

import torch
from torch.utils.data import Dataset

from nnlessons_dataset_dataloader.csv_table import read_table


class CsvDataset(Dataset[tuple[torch.Tensor, torch.Tensor]]):
    """Rows of a CSV as (features, label) pairs; the whole file is read once in ``__init__``.

    The tensors stay on the CPU: workers and ``pin_memory`` need CPU tensors,
    and the training loop moves each batch to the device.
    """

    def __init__(self, path: Path) -> None:
        table = torch.from_numpy(read_table(Path(path)))  # (N, F + 1)
        self.features = table[:, :-1].contiguous()  # (N, F)
        self.labels = table[:, -1:].contiguous()  # (N, 1): slicing with -1: keeps the column axis

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.features[index], self.labels[index]  # (F,), (1,)

    def __len__(self) -> int:
        return self.features.shape[0]


class WaitingDataset(Dataset[tuple[torch.Tensor, torch.Tensor]]):
    """Another dataset whose every item first waits, the way reading one image file from disk does.

    `time.sleep` stands in for I/O: the process waits without using the CPU, so
    worker processes can wait side by side.
    """

    def __init__(self, base: Dataset[tuple[torch.Tensor, torch.Tensor]], delay_seconds: float) -> None:
        self.base = base
        self.delay_seconds = delay_seconds

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        time.sleep(self.delay_seconds)
        return self.base[index]

    def __len__(self) -> int:
        return len(self.base)  # type: ignore[arg-type]
