"""The lesson's figures, as matplotlib Figure objects (no pyplot)."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure

from nnlessons_manual_grad.short_way import AdamHistory


def predictions_figure(
    dates: pd.DatetimeIndex,
    actual: list[float],
    by_hand: list[float],
    by_adam: list[float],
    holdout: list[bool],
    adam_label: str,
) -> Figure:
    """Actual temperature over the dates, with both networks' predictions; held-out days circled."""
    fig = Figure(figsize=(9.5, 4.6))  # about 1050 px at dpi 110: readable in the docs column
    ax = fig.subplots()
    days = dates.to_pydatetime()
    ax.plot(days, actual, color="black", linewidth=1.2, label="actual")
    ax.plot(days, by_hand, color="tab:blue", linewidth=1, alpha=0.85, label="by hand (plain GD)")
    ax.plot(days, by_adam, color="tab:red", linewidth=1, alpha=0.85, label=adam_label)
    held_days = [d for d, held in zip(days, holdout) if held]
    held_actual = [a for a, held in zip(actual, holdout) if held]
    ax.scatter(held_days, held_actual, s=18, facecolors="none", edgecolors="black", label="held-out day (not trained on)")
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.set_title("Daily temperature: actual vs predicted by both networks")
    ax.set_xlabel("date")
    ax.set_ylabel("temperature (°F)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=9)
    return fig


def loss_curves_figure(
    zeroed: list[float],
    zeroed_holdout: dict[int, float],
    never_zeroed: list[float],
    adam: AdamHistory,
    adam_label: str,
    noise_floor: float | None = None,
) -> Figure:
    """Left: the hand-written loop with and without zeroing. Right: Adam per epoch against the hand result."""
    # 9.5 inches (about 1050 px at dpi 110) with each legend under its panel, where it hides no curve
    fig = Figure(figsize=(9.5, 6.2), layout="constrained")
    by_hand, short_way = fig.subplots(1, 2)
    by_hand.plot(range(len(zeroed)), zeroed, color="tab:blue", label="grad zeroed each iteration: training days")
    by_hand.plot(list(zeroed_holdout), list(zeroed_holdout.values()), color="tab:blue", linestyle="--", marker="o",
                 markersize=3, label="grad zeroed each iteration: held-out days")
    by_hand.plot(range(len(never_zeroed)), never_zeroed, color="tab:orange", label="grad never zeroed")
    if len(never_zeroed) < len(zeroed):
        by_hand.axvline(len(never_zeroed) - 1, color="tab:orange", linestyle=":", label="never zeroed: loss not finite")
    by_hand.set_title("By hand: full-batch\ngradient descent")
    by_hand.set_xlabel("iteration")
    epochs = range(1, len(adam.train) + 1)
    short_way.plot(epochs, adam.train, color="tab:red", label=f"{adam_label}: training days")
    short_way.plot(epochs, adam.holdout, color="tab:red", linestyle="--", label=f"{adam_label}: held-out days")
    hand_end = zeroed_holdout[max(zeroed_holdout)]
    short_way.axhline(hand_end, color="tab:blue", linestyle="--", label="by hand, last iteration: held-out days")
    if noise_floor is not None:
        short_way.axhline(noise_floor, color="grey", linestyle=":", label="noise floor (the generator's rule),\nheld-out days")
    short_way.set_title("The short way:\nAdam on mini-batches")
    short_way.set_xlabel("epoch")
    for ax in (by_hand, short_way):
        ax.set_yscale("log")
        ax.set_ylabel("mean squared error (°F², log scale)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.14))
    return fig
