"""Daily temperature data with the course notes' columns: generated from a seasonal model, or read from a CSV."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import torch

from nnlessons import LessonInputError

#: The notes' columns, in their order; `actual` is the label.
COLUMNS = ("year", "month", "day", "week", "temp_2", "temp_1", "average", "actual", "friend")
NUMERIC_COLUMNS = ("year", "month", "day", "temp_2", "temp_1", "average", "actual", "friend")
#: Weekday names as the notes' data spells them, Monday first.
WEEKDAYS = ("Mon", "Tues", "Wed", "Thurs", "Fri", "Sat", "Sun")
MIN_ROWS = 20

# The seasonal model (degrees Fahrenheit), documented in the lesson page.
MEAN_TEMP = 62.0
SEASONAL_SWING = 15.0
COLDEST_DAY_OF_YEAR = 15
PERSISTENCE = 0.75
DAILY_SHOCK_STD = 4.0
FRIEND_SPREAD = 20.0
FIRST_DAY = "2016-01-01"


def seasonal_average(day_of_year: torch.Tensor) -> torch.Tensor:
    """The long-run average temperature of a date: ``62 - 15 cos(2 pi (t - 15) / 365.25)``."""
    phase = 2 * math.pi * (day_of_year.double() - COLDEST_DAY_OF_YEAR) / 365.25
    return MEAN_TEMP - SEASONAL_SWING * torch.cos(phase)


def weather_anomaly(n_days: int, generator: torch.Generator) -> torch.Tensor:
    """Departures from the average that persist: ``a(t) = 0.75 a(t-1) + e(t)``, ``e ~ N(0, 4^2)``.

    The first day is drawn from the long-run spread ``4 / sqrt(1 - 0.75^2)``, so there is no warm-up.
    """
    shocks = torch.randn(n_days, generator=generator, dtype=torch.float64) * DAILY_SHOCK_STD  # (n_days,)
    anomaly = torch.empty(n_days, dtype=torch.float64)
    anomaly[0] = shocks[0] / math.sqrt(1 - PERSISTENCE**2)
    for t in range(1, n_days):
        anomaly[t] = PERSISTENCE * anomaly[t - 1] + shocks[t]
    return anomaly


def generate_weather(n_days: int, generator: torch.Generator) -> pd.DataFrame:
    """`n_days` consecutive days from 1 January 2016 with the notes' columns (see the lesson page)."""
    dates = pd.date_range(pd.Timestamp(FIRST_DAY) - pd.Timedelta(days=2), periods=n_days + 2, freq="D")
    average = seasonal_average(torch.tensor(dates.day_of_year.to_numpy()))  # (n_days + 2,)
    measured = torch.round(average + weather_anomaly(n_days + 2, generator))  # (n_days + 2,), whole degrees
    guess_noise = (torch.rand(n_days, generator=generator, dtype=torch.float64) * 2 - 1) * FRIEND_SPREAD
    days = dates[2:]
    return pd.DataFrame({
        "year": days.year,
        "month": days.month,
        "day": days.day,
        "week": [WEEKDAYS[d] for d in days.day_of_week],
        "temp_2": measured[:-2].numpy(),
        "temp_1": measured[1:-1].numpy(),
        "average": torch.round(average[2:] * 10).div(10).numpy(),
        "actual": measured[2:].numpy(),
        "friend": torch.round(average[2:] + guess_noise).numpy(),
    })


def generator_rule(table: pd.DataFrame) -> torch.Tensor:
    """The best forecast a model of generated data can learn: the seasonal model without today's shock.

    ``average(t) + 0.75 (temp_1 - average(t-1))``; what is left, the shock ``e(t)``, has
    variance 4^2 = 16, so no model can expect a held-out MSE much below 16 (°F²) here.
    Shape (N,), float64, on the CPU.
    """
    dates = dates_of(table)
    today = seasonal_average(torch.tensor(dates.day_of_year.to_numpy()))
    yesterday = seasonal_average(torch.tensor((dates - pd.Timedelta(days=1)).day_of_year.to_numpy()))
    return today + PERSISTENCE * (torch.tensor(table["temp_1"].to_numpy()) - yesterday)


def weekday_name(value: object) -> str | None:
    """The notes' spelling of a weekday given as Mon / Monday / tue / Tues / THU ..., else None."""
    prefix = str(value).strip().lower()[:3]
    return next((name for name in WEEKDAYS if name.lower()[:3] == prefix), None)


def read_weather_csv(path: Path) -> pd.DataFrame:
    """Read a CSV with the notes' columns (extra columns are ignored) or raise LessonInputError."""
    if not path.is_file():
        raise LessonInputError(f"CSV file '{path}' does not exist; pass --csv a path to a file, or leave --csv out to use generated data.")
    try:
        table = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise LessonInputError(f"Could not read '{path}' as CSV ({type(exc).__name__}); give a comma-separated file with a header row.") from None
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise LessonInputError(
            f"CSV '{path}' lacks the column(s) {', '.join(missing)}; it needs {', '.join(COLUMNS)} (one row per day)."
        )
    return validated(table.loc[:, list(COLUMNS)], path)


def validated(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Check values: numbers where numbers belong, known weekday names, real dates, enough rows."""
    for column in NUMERIC_COLUMNS:
        numbers = pd.to_numeric(table[column], errors="coerce")
        if numbers.isna().any():
            row = int(numbers.isna().to_numpy().argmax())
            raise LessonInputError(
                f"CSV '{path}' column '{column}' has a missing or non-numeric value in data row {row + 1} "
                f"({table[column].iloc[row]!r}); every row needs a number there."
            )
        table[column] = numbers.astype("float64")
    names = table["week"].map(weekday_name)
    if names.isna().any():
        row = int(names.isna().to_numpy().argmax())
        raise LessonInputError(
            f"CSV '{path}' column 'week' has {table['week'].iloc[row]!r} in data row {row + 1}; use weekday names such as {', '.join(WEEKDAYS)}."
        )
    table["week"] = names
    dates = pd.to_datetime(table[["year", "month", "day"]].astype(int), errors="coerce")
    if dates.isna().any():
        row = int(dates.isna().to_numpy().argmax())
        raise LessonInputError(f"CSV '{path}' data row {row + 1} is not a real date (year, month, day); fix or remove that row.")
    if len(table) < MIN_ROWS:
        raise LessonInputError(f"CSV '{path}' has {len(table)} data rows; the lesson needs at least {MIN_ROWS} days.")
    return table.reset_index(drop=True)


def dates_of(table: pd.DataFrame) -> pd.DatetimeIndex:
    """The date of every row, from its year, month and day."""
    return pd.DatetimeIndex(pd.to_datetime(table[["year", "month", "day"]].astype(int)))
