"""Reading loss curves: smoothing, first step under a threshold, and the summary over repeats."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence

from torch import Tensor


def smooth(values: Sequence[float], weight: float) -> list[float]:
    """Bias-corrected exponential moving average (TensorBoard's smoothing); weight 0 returns the values."""
    smoothed, running = [], 0.0
    for step, value in enumerate(values, start=1):
        running = weight * running + (1 - weight) * value
        smoothed.append(running / (1 - weight**step))
    return smoothed


def first_step_below(curve: Tensor, threshold: float) -> int | None:
    """1-based step at which `curve` first is <= threshold, or None if it never is."""
    hits = (curve <= threshold).nonzero()
    return int(hits[0].item()) + 1 if len(hits) else None


def repeat_summary(finals: Sequence[Mapping[str, float]], names: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per optimizer: mean, std, min and max of the final loss over repeats, and how often it was lowest."""
    winners = [min(names, key=lambda n: final[n]) for final in finals]
    summary = {}
    for name in names:
        values = [final[name] for final in finals]
        summary[name] = {
            "mean": statistics.fmean(values),
            "std": statistics.pstdev(values),
            "min": min(values),
            "max": max(values),
            "wins": winners.count(name),
        }
    return summary


def fraction_lower(finals: Sequence[Mapping[str, float]], first: str, second: str) -> float:
    """Fraction of repeats in which `first` ended with a lower loss than `second`."""
    return sum(final[first] < final[second] for final in finals) / len(finals)
