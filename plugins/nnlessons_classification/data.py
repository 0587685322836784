"""The points to classify: two Gaussian clusters made from the seed, or a CSV the user names."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import Tensor

from nnlessons import LessonInputError

if TYPE_CHECKING:
    import pandas as pd

CSV_COLUMNS = ("x1", "x2", "label")


def make_two_clusters(points_per_class: int, centre: float, std: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Class 0 around (c, c), class 1 around (-c, -c), each N(mean, std^2) per coordinate; on the CPU."""
    class_0 = centre + std * torch.randn(points_per_class, 2, generator=generator)  # (n, 2)
    class_1 = -centre + std * torch.randn(points_per_class, 2, generator=generator)  # (n, 2)
    points = torch.cat([class_0, class_1])  # (2n, 2)
    labels = torch.cat([torch.zeros(points_per_class), torch.ones(points_per_class)]).long()  # (2n,) int64 class indices
    return points, labels


def ideal_boundary_accuracy(points: Tensor, labels: Tensor) -> float:
    """Accuracy of the best rule for these two clusters: class 0 when x1 + x2 > 0 (the line between the centres' midpoint)."""
    predicted = (points.sum(dim=1) <= 0).long()  # (N,): 0 above the line x1 + x2 = 0, 1 below
    return (predicted == labels).float().mean().item()


def expected_ideal_accuracy(centre: float, std: float) -> float:
    """The ideal rule's expected accuracy: 1 - P(N(0, 1) > c / std) = 1 - erfc(c / std) / 2.

    Projected onto the direction (1, 1) / sqrt(2), the centres sit at +-c * sqrt(2) with spread std.
    """
    return 1.0 - 0.5 * math.erfc(centre / std)


def load_points_csv(path: Path) -> tuple[Tensor, Tensor]:
    """Read columns x1, x2, label (0 or 1) from `path`; LessonInputError says what is wrong with a bad file."""
    import pandas as pd

    if not path.is_file():
        raise LessonInputError(f"CSV file '{path}' does not exist; pass --csv the path of a file with columns x1, x2, label.")
    try:
        table = pd.read_csv(path)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LessonInputError(f"Could not read '{path}' as CSV ({reason}); save it as comma-separated text with a header x1,x2,label.") from None
    check_columns(table, path)
    check_numbers(table, path)
    check_labels(table, path)
    points = torch.tensor(table[["x1", "x2"]].to_numpy(dtype="float32"))  # (N, 2)
    labels = torch.tensor(table["label"].to_numpy(dtype="int64"))  # (N,)
    return points, labels


def check_columns(table: pd.DataFrame, path: Path) -> None:
    """Columns x1, x2, label are there and there is at least one row."""
    missing = [c for c in CSV_COLUMNS if c not in table.columns]
    if missing:
        found = ", ".join(map(str, table.columns)) or "none"
        raise LessonInputError(f"CSV '{path}' lacks column(s) {', '.join(missing)} (it has: {found}); it needs a header x1,x2,label and one point per row.")
    if len(table) == 0:
        raise LessonInputError(f"CSV '{path}' has a header but no rows; add one row per point with x1, x2 and a label 0 or 1.")


def check_numbers(table: pd.DataFrame, path: Path) -> None:
    """Every cell of the three columns is a finite number (converted in place)."""
    import pandas as pd

    for column in CSV_COLUMNS:
        values = pd.to_numeric(table[column], errors="coerce")
        bad = values.isna() | ~values.abs().lt(float("inf"))
        if bad.any():
            row = int(bad.to_numpy().argmax()) + 2  # +1 for the header, +1 for 1-based line numbers
            raise LessonInputError(f"Column {column} of '{path}' has {table[column].iloc[row - 2]!r} on line {row}; every x1, x2 and label must be a finite number.")
        table[column] = values


def check_labels(table: pd.DataFrame, path: Path) -> None:
    """Labels are 0 or 1, and both occur."""
    labels = table["label"]
    bad = ~labels.isin([0, 1])
    if bad.any():
        row = int(bad.to_numpy().argmax()) + 2
        raise LessonInputError(f"Column label of '{path}' has {labels.iloc[row - 2]!r} on line {row}; labels must be 0 or 1 (this lesson is binary).")
    if labels.nunique() < 2:
        raise LessonInputError(f"CSV '{path}' has only label {int(labels.iloc[0])}; it needs points of both classes, 0 and 1.")
