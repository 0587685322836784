"""From the weather table to tensors: one-hot weekdays (14 features), a held-out split, standardisation."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch

from nnlessons_manual_grad.weather import WEEKDAYS, dates_of

NUMBER_FEATURES = ("year", "month", "day", "temp_2", "temp_1", "average", "friend")
#: One column per weekday, in the alphabetical order pandas.get_dummies gives (as in the notes).
WEEKDAY_FEATURES = tuple(f"week_{name}" for name in sorted(WEEKDAYS))
FEATURE_NAMES = NUMBER_FEATURES + WEEKDAY_FEATURES  # 7 + 7 = 14


def one_hot_weekdays(table: pd.DataFrame) -> pd.DataFrame:
    """The 7 number columns plus one 0/1 column per weekday name: 14 feature columns."""
    one_hot = {f"week_{name}": (table["week"] == name).astype("float64") for name in sorted(WEEKDAYS)}
    return pd.concat([table.loc[:, list(NUMBER_FEATURES)].astype("float64"), pd.DataFrame(one_hot)], axis=1)


@dataclass
class Standardiser:
    """``(x - mean) / std`` per column, fitted on the training rows only.

    A column that never changes (`year` in one year of data) has std 0; it is divided
    by 1 instead, so it becomes all zeros rather than NaN (what scikit-learn does too).
    """

    mean: torch.Tensor  # (F,)
    std: torch.Tensor  # (F,), population std, zeros replaced by 1
    constant: torch.Tensor  # (F,) bool: the columns whose std was 0

    @classmethod
    def fit(cls, x: torch.Tensor) -> Standardiser:
        std = x.std(dim=0, unbiased=False)
        constant = std == 0
        return cls(mean=x.mean(dim=0), std=torch.where(constant, torch.ones_like(std), std), constant=constant)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


@dataclass
class TemperatureData:
    """Everything the lesson trains and plots on; tensors on the lesson's device, float32.

    :ivar x: standardised features of every day, (N, 14).
    :ivar y: the label `actual` of every day, (N, 1): a column, like the predictions.
    :ivar holdout: True for the days kept out of training, (N,) bool.
    :ivar average: the table's `average` column (°F), (N,): the baseline forecast.
    """

    x: torch.Tensor
    y: torch.Tensor
    holdout: torch.Tensor
    average: torch.Tensor
    dates: pd.DatetimeIndex
    standardiser: Standardiser
    feature_names: tuple[str, ...] = FEATURE_NAMES

    @property
    def x_train(self) -> torch.Tensor:
        return self.x[~self.holdout]

    @property
    def y_train(self) -> torch.Tensor:
        return self.y[~self.holdout]

    @property
    def x_holdout(self) -> torch.Tensor:
        return self.x[self.holdout]

    @property
    def y_holdout(self) -> torch.Tensor:
        return self.y[self.holdout]


def holdout_mask(n_rows: int, fraction: float, generator: torch.Generator) -> torch.Tensor:
    """A random set of round(fraction * N) days (at least one, leaving at least one for training)."""
    n_holdout = min(max(1, round(fraction * n_rows)), n_rows - 1)
    mask = torch.zeros(n_rows, dtype=torch.bool)
    mask[torch.randperm(n_rows, generator=generator)[:n_holdout]] = True
    return mask


def prepare(table: pd.DataFrame, holdout_fraction: float, generator: torch.Generator, device: torch.device) -> TemperatureData:
    """Features and labels as tensors, standardised with the training days' statistics, moved to `device` once."""
    features = torch.tensor(one_hot_weekdays(table).to_numpy(), dtype=torch.float32)  # (N, 14)
    labels = torch.tensor(table["actual"].to_numpy(), dtype=torch.float32).unsqueeze(1)  # (N, 1)
    holdout = holdout_mask(len(table), holdout_fraction, generator)  # (N,)
    standardiser = Standardiser.fit(features[~holdout])
    return TemperatureData(
        x=standardiser(features).to(device),
        y=labels.to(device),
        holdout=holdout.to(device),
        average=torch.tensor(table["average"].to_numpy(), dtype=torch.float32).to(device),
        dates=dates_of(table),
        standardiser=standardiser,
    )
