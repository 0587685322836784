"""The CSV file behind the lesson: generate the default 759 x 8 table, write it, read and check a CSV."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import torch

from nnlessons import LessonInputError

DEFAULT_ROWS = 759
DEFAULT_FEATURES = 8
#: How strongly each feature pushes a row towards label 1; columns 4 and 7 carry no signal.
TRUE_WEIGHTS = (1.6, -1.2, 0.9, 0.0, 0.7, -0.8, 0.0, 1.1)
#: A negative bias makes label 1 the minority class (about a third of the rows).
TRUE_BIAS = -0.9

CSV_RULE = "a numeric CSV with one row per sample, feature columns first and a 0/1 label in the last column"


def generate_table(generator: torch.Generator, rows: int = DEFAULT_ROWS) -> torch.Tensor:
    """Features from N(0, 1), labels drawn from a logistic model of them: (rows, 8 + 1), on the CPU."""
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

    Raises LessonInputError, in one sentence, for anything the lesson cannot use.
    """
    lines = _read_rows(path)
    if lines and not _is_numeric_row(lines[0][1]):
        lines = lines[1:]  # a header line
    _check_shape(path, lines)
    table = np.array([_parse_row(path, number, cells) for number, cells in lines], dtype=np.float32)
    _check_labels(path, table[:, -1])
    return table


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank line."""
    if not path.is_file():
        raise LessonInputError(f"CSV file '{path}' does not exist; pass --csv the path of {CSV_RULE}.")
    try:
        with path.open(newline="") as handle:
            rows = list(enumerate(csv.reader(handle), start=1))
    except UnicodeDecodeError:
        raise LessonInputError(f"File '{path}' is not a text CSV file; pass --csv the path of {CSV_RULE}.") from None
    return [(number, cells) for number, cells in rows if any(cell.strip() for cell in cells)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_numeric_row(cells: list[str]) -> bool:
    return all(_is_number(cell) for cell in cells)


def _check_shape(path: Path, lines: list[tuple[int, list[str]]]) -> None:
    if len(lines) < 2:
        raise LessonInputError(f"CSV file '{path}' has {len(lines)} data row(s); the lesson needs at least 2 rows of {CSV_RULE}.")
    width = len(lines[0][1])
    if width < 2:
        raise LessonInputError(f"CSV file '{path}' has {width} column; it needs at least one feature column and a label column ({CSV_RULE}).")
    for number, cells in lines:
        if len(cells) != width:
            raise LessonInputError(f"Line {number} of '{path}' has {len(cells)} columns but the first data line has {width}; every row needs the same columns.")


def _parse_row(path: Path, number: int, cells: list[str]) -> list[float]:
    values = []
    for column, cell in enumerate(cells, start=1):
        if not _is_number(cell) or not math.isfinite(float(cell)):
            raise LessonInputError(f"Line {number}, column {column} of '{path}' holds {cell!r}, which is not a finite number; the lesson needs {CSV_RULE}.")
        values.append(float(cell))
    return values


def _check_labels(path: Path, labels: np.ndarray) -> None:
    bad = labels[(labels != 0) & (labels != 1)]
    if bad.size:
        raise LessonInputError(f"The last column of '{path}' must hold 0/1 labels for a binary classifier, but it holds {bad[0]:g}; put the 0/1 label in the last column.")
    if np.unique(labels).size < 2:
        raise LessonInputError(f"Every label in '{path}' is {labels[0]:g}; a classifier needs rows of both classes 0 and 1 in the last column.")
