"""The user's --csv for the classification lesson: columns x1, x2 and a 0/1 label, read without torch.

Without torch, so the lesson's ``nnlessons_check_params`` hook can refuse a bad file before
the run makes its output folder.
"""

from __future__ import annotations

from pathlib import Path

from nnlessons import LessonInputError
from nnlessons.csv_input import read_csv, shown_path

CSV_COLUMNS = ("x1", "x2", "label")
EXPECT = "a CSV with a header x1,x2,label and one point per row (label 0 or 1)"


def read_points(path: Path) -> tuple[list[tuple[float, float]], list[int]]:
    """The points (x1, x2) and labels of the file; other columns are ignored. LessonInputError for a bad file."""
    table = read_csv(path, columns=CSV_COLUMNS, expect=EXPECT)
    labels = table.column("label")
    for line, label in zip(table.line_numbers, labels, strict=True):
        if label not in (0, 1):
            raise LessonInputError(f"Line {line}, column 'label' of {shown_path(path)} holds {label:g}; "
                                   f"labels must be 0 or 1 (this lesson is binary).")
    if len(set(labels)) < 2:
        raise LessonInputError(f"CSV file {shown_path(path)} has only label {int(labels[0])}; "
                               f"it needs points of both classes, 0 and 1.")
    points = list(zip(table.column("x1"), table.column("x2"), strict=True))
    return points, [int(label) for label in labels]  # type: ignore[call-overload]
