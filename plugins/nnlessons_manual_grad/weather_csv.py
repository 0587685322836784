"""The user's --csv for manual-grad: one row per day with the course notes' nine columns, read without torch.

Without torch (and pandas only for the final table), so the lesson's
``nnlessons_check_params`` hook can refuse a bad file before the run makes its folder.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from nnlessons import LessonInputError
from nnlessons.csv_input import CsvTable, excerpt, read_csv, shown_path

if TYPE_CHECKING:
    import pandas as pd

#: The notes' columns, in their order; `actual` is the label.
COLUMNS = ("year", "month", "day", "week", "temp_2", "temp_1", "average", "actual", "friend")
NUMERIC_COLUMNS = ("year", "month", "day", "temp_2", "temp_1", "average", "actual", "friend")
#: Weekday names as the notes' data spells them, Monday first.
WEEKDAYS = ("Mon", "Tues", "Wed", "Thurs", "Fri", "Sat", "Sun")
MIN_ROWS = 20
#: pandas holds dates from 1677-09-21 to 2262-04-11; whole years inside that range are safe.
FIRST_YEAR, LAST_YEAR = 1678, 2261
EXPECT = "a CSV with a header year,month,day,week,temp_2,temp_1,average,actual,friend"


def weekday_name(value: object) -> str | None:
    """The notes' spelling of a weekday given as Mon / Monday / tue / Tues / THU ..., else None."""
    prefix = str(value).strip().lower()[:3]
    return next((name for name in WEEKDAYS if name.lower()[:3] == prefix), None)


def read_weather_rows(path: Path) -> CsvTable:
    """The file's rows in the notes' column order (extra columns ignored), checked; LessonInputError if bad."""
    table = read_csv(path, columns=COLUMNS, text_columns=("week",), min_rows=MIN_ROWS, expect=EXPECT)
    for line, week in zip(table.line_numbers, table.column("week"), strict=True):
        if weekday_name(week) is None:
            raise LessonInputError(f"Line {line}, column 'week' of {shown_path(path)} holds {excerpt(str(week))}; "
                                   f"use weekday names such as {', '.join(WEEKDAYS)}.")
    dates = zip(table.column("year"), table.column("month"), table.column("day"), strict=True)
    for line, (year, month, day) in zip(table.line_numbers, dates, strict=True):
        if not is_real_date(year, month, day):  # type: ignore[arg-type]
            raise LessonInputError(f"Line {line} of {shown_path(path)} is not a real date between {FIRST_YEAR} and "
                                   f"{LAST_YEAR} (year {year:g}, month {month:g}, day {day:g}); fix or remove that row.")
    return table


def is_real_date(year: float, month: float, day: float) -> bool:
    """Whether the (truncated) numbers name a calendar date pandas can hold."""
    try:
        datetime.date(int(year), int(month), int(day))
    except (ValueError, OverflowError):
        return False
    return FIRST_YEAR <= int(year) <= LAST_YEAR


def read_weather_csv(path: Path) -> pd.DataFrame:
    """Read a CSV with the notes' columns (extra columns are ignored) or raise LessonInputError.

    Numbers become float64 columns and weekdays the notes' spelling (Mon, Tues, ...).
    """
    import pandas as pd

    table = read_weather_rows(path)
    frame = pd.DataFrame({name: table.column(name) for name in COLUMNS})
    frame["week"] = frame["week"].map(weekday_name)
    return frame.astype({name: "float64" for name in NUMERIC_COLUMNS})
