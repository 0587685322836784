"""Daily temperature data with the course notes' columns, generated from a seasonal model (weather_csv reads a user's CSV)."""

from __future__ import annotations

import math

import pandas as pd
import torch

from nnlessons_manual_grad.weather_csv import WEEKDAYS

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


def dates_of(table: pd.DataFrame) -> pd.DatetimeIndex:
    """The date of every row, from its year, month and day."""
    return pd.DatetimeIndex(pd.to_datetime(table[["year", "month", "day"]].astype(int)))
