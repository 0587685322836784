# expect: repeats epoch 1
"""Seeds the generator again at the start of every epoch: each epoch has the same order."""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset


class SeededLoader(DataLoader):
    def __init__(self, *args, seed: int, **kwargs) -> None:
        super().__init__(*args, generator=torch.Generator(), **kwargs)
        self.seed = seed

    def __iter__(self):
        self.generator.manual_seed(self.seed)  # "reproducible": the same seed for every epoch
        return super().__iter__()


def make_loaders(path: Path, batch_size: int, seed: int):
    table = torch.from_numpy(np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2, dtype=np.float32))
    features, labels = table[:, :-1], table[:, -1:]
    n_train = len(table) - len(table) // 5
    train = TensorDataset(features[:n_train], labels[:n_train])
    validation = TensorDataset(features[n_train:], labels[n_train:])
    return (SeededLoader(train, batch_size=batch_size, shuffle=True, drop_last=True, seed=seed),
            DataLoader(validation, batch_size=batch_size))
