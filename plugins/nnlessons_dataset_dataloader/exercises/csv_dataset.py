r"""A map-style Dataset over a CSV file, like the lesson's CsvDataset.

Task
----
Complete the class `CsvDataset(path)`. Read the file once, in __init__;
then
- len(dataset) is the number of data rows, and
- dataset[i] is the pair (features, label) of data row i: the features
  are every column but the last, the label is the last column.

The file
--------
Numbers separated by commas, one sample per line. The first line may be
a header (column names such as x1,x2,label): skip it when it is not
numbers. A blank line at the end is not a row. Labels are 0 or 1.

Shapes
------
- path: a pathlib.Path or a str
- dataset[i]: features of shape (F,) and label of shape (1,), float32.
  The label is a column, not a number: a DataLoader then stacks the
  labels to (B, 1), the shape of the model's output that BCELoss needs.
- i: 0 .. len - 1; negative i counts from the end, as for lists

Example
-------
A file holding

    x1,x2,label
    0.5,-1.25,1
    2.0,0.0,0

gives two items:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "table.csv"
    >>> _ = path.write_text("x1,x2,label\n0.5,-1.25,1\n2.0,0.0,0\n")
    >>> dataset = CsvDataset(path)
    >>> len(dataset)
    2
    >>> dataset[1]
    (tensor([2., 0.]), tensor([0.]))
    >>> dataset[0][0].dtype, dataset[0][1].shape
    (torch.float32, torch.Size([1]))

Rules
-----
- Subclass torch.utils.data.Dataset.
- Read with numpy (np.loadtxt) or the csv module.
- The check writes small CSV files into a temporary folder (with and
  without a header, one feature column, a single data row, a blank last
  line, random sizes ...) and compares len(dataset), every item (shape and
  dtype exactly, values within 1e-6 + 1e-6 x |value|) and the first batch
  of a shuffled DataLoader over your dataset with the expected tensors.
"""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset


class CsvDataset(Dataset):
    def __init__(self, path: str | Path) -> None:
        raise NotImplementedError("write this method")

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError("write this method")

    def __len__(self) -> int:
        raise NotImplementedError("write this method")
