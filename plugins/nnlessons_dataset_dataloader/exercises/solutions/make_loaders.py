"""A training and a validation DataLoader from a CSV file, shuffled from a seed (reference solution)."""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_loaders(path: Path, batch_size: int, seed: int) -> tuple[DataLoader, DataLoader]:
    # float32, the dtype of the model's weights; ndmin=2 keeps a one-row file a table
    table = torch.from_numpy(np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2, dtype=np.float32))  # (N, F + 1)
    features, labels = table[:, :-1], table[:, -1:]  # (N, F), (N, 1): the slice -1: keeps the column axis
    n_train = len(table) - len(table) // 5  # the last fifth of the file is the validation set
    train = TensorDataset(features[:n_train], labels[:n_train])
    validation = TensorDataset(features[n_train:], labels[n_train:])
    # the loader's own generator, seeded once: the same seed gives the same order of every epoch
    generator = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(train, batch_size=batch_size, shuffle=True, drop_last=True, generator=generator)
    validation_loader = DataLoader(validation, batch_size=batch_size)  # file order, every row once
    return train_loader, validation_loader
