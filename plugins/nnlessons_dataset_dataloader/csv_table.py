"""The CSV file behind the lesson: generate the default 759 x 8 table, write it, read and check a CSV."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nnlessons import LessonInputError
from nnlessons.csv_input import read_csv, shown_path

if TYPE_CHECKING:
    import torch

DEFAULT_ROWS = 759
DEFAULT_FEATURES = 8
#: How strongly each feature pushes a row towards label 1; columns 4 and 7 carry no signal.
TRUE_WEIGHTS = (1.6, -1.2, 0.9, 0.0, 0.7, -0.8, 0.0, 1.1)
#: A negative bias makes label 1 the minority class (about a third of the rows).
TRUE_BIAS = -0.9

CSV_RULE = "a numeric CSV, one row per sample, features first and a 0/1 label last"


def generate_table(generator: torch.Generator, rows: int = DEFAULT_ROWS) -> torch.Tensor:
    """Features from N(0, 1), labels drawn from a logistic model of them: (rows, 8 + 1), on the CPU."""
    import torch  # here, so that reading a CSV needs no torch

    features = torch.randn(rows, DEFAULT_FEATURES, generator=generator)  # (759, 8)
    logits = features @ torch.tensor(TRUE_WEIGHTS) + TRUE_BIAS  # (759,)
    coin = torch.rand(rows, generator=generator)  # (759,)
    labels = (coin < torch.sigmoid(logits)).float()  # (759,) of 0.0 / 1.0
    return torch.cat([features, labels[:, None]], dim=1)  # (759, 9)


def write_table(table: torch.Tensor, path: Path) -> Path:
    """Write the table as CSV with a header line: x1..xF, label (features to 5 decimals)."""
    n_features = table.shape[1] - 1
    header = [f"x{i + 1}" for i in range(n_features)] + ["label"]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in table.tolist():
            writer.writerow([f"{value:.5f}" for value in row[:-1]] + [str(int(row[-1]))])
    return path


def read_table(path: Path) -> np.ndarray:
    """Read a numeric CSV (an optional header line is skipped) into a float32 array (N, F + 1).

    Raises LessonInputError, in one sentence, for anything the lesson cannot use. Needs no
    torch, so the lesson's check hook can refuse a bad --csv before the run starts.
    """
    table = read_csv(path, expect=CSV_RULE, header=None, min_rows=2)
    width = len(table.names)
    if width < 2:
        raise LessonInputError(f"CSV file {shown_path(path)} has {width} column; it needs at least one feature column "
                               f"and a label column ({CSV_RULE}).")
    values = np.array(table.rows, dtype=np.float32)  # (N, F + 1)
    _check_labels(path, values[:, -1], table.line_numbers)
    return values


def _check_labels(path: Path, labels: np.ndarray, line_numbers: tuple[int, ...]) -> None:
    bad = np.flatnonzero((labels != 0) & (labels != 1))
    if bad.size:
        raise LessonInputError(f"The last column of {shown_path(path)} must hold 0/1 labels for a binary classifier, but line "
                               f"{line_numbers[bad[0]]} holds {labels[bad[0]]:g}; put the 0/1 label in the last column.")
    if np.unique(labels).size < 2:
        raise LessonInputError(f"Every label in {shown_path(path)} is {labels[0]:g}; a classifier needs rows of both classes "
                               f"0 and 1 in the last column.")
