r"""Build it: the data pipeline of a training run, a training and a validation DataLoader from one CSV file.

Task
----
Complete `make_loaders(path, batch_size, seed)`, returning `(train_loader, validation_loader)`,
two torch.utils.data.DataLoader objects over the rows of the CSV file at `path`:

- the file: a header line (column names), then one sample per line, numbers separated by
  commas; the features are every column but the last, the label (0 or 1) is the last;
- the split: the validation set is the LAST N // 5 rows of the file (N rows in all), in
  file order; the training set is the other rows, the first N - N // 5;
- the training loader: batches of `batch_size` rows in a new random order every epoch; a
  short last batch is dropped (every training step sees a full batch). The order comes
  from the loader's own generator (its `generator=` argument), a torch.Generator seeded
  once with `seed`: two pipelines built with the same seed give the same sequence of
  epochs, and nothing else in the program (torch.manual_seed, other random draws) changes it;
- the validation loader: batches of `batch_size` rows in file order, every validation row
  exactly once per epoch (the last batch may be short).

Shapes
------
- path: a pathlib.Path or a str; batch_size: int >= 1; seed: int
- every batch of both loaders is a pair (features, labels): features (B, F) float32, the
  dtype of the model's weights; labels (B, 1) float32, the shape of the model's output
- num_workers=0 (the default)

Example
-------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "table.csv"
    >>> _ = path.write_text("x1,x2,label\n" + "".join(f"{i}.0,{-i}.0,{i % 2}\n" for i in range(10)))
    >>> train, validation = make_loaders(path, batch_size=3, seed=0)
    >>> len(train), len(validation)     # 8 training rows: 2 full batches; 2 validation rows
    (2, 1)
    >>> features, labels = next(iter(validation))
    >>> features.tolist(), labels.tolist(), features.dtype
    ([[8.0, -8.0], [9.0, -9.0]], [[0.0], [1.0]], torch.float32)
    >>> [features[:, 0].tolist() for features, labels in train]    # epoch 1: rows 5, 3, 1 ...
    [[5.0, 3.0, 1.0], [7.0, 2.0, 6.0]]
    >>> [features[:, 0].tolist() for features, labels in train]    # epoch 2: a new order
    [[2.0, 3.0, 4.0], [7.0, 1.0, 0.0]]

Rules
-----
- torch.utils.data (Dataset, TensorDataset, DataLoader) and numpy or the csv module; you may
  use your CsvDataset of the csv-dataset exercise or the lesson's
  nnlessons_dataset_dataloader.dataset.CsvDataset.
- The check writes CSV files of several sizes into a temporary folder, builds your loaders
  with several batch sizes and seeds, runs two epochs of each loader and compares every
  batch (count, shapes, dtypes and rows, in order) with a reference pipeline's.
"""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset


def make_loaders(path: str | Path, batch_size: int, seed: int) -> tuple[DataLoader, DataLoader]:
    raise NotImplementedError("write this function")
