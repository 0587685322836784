"""The points to classify: two Gaussian clusters made from the seed, or a CSV the user names."""

from __future__ import annotations

import math
from pathlib import Path

import torch
from torch import Tensor

from nnlessons_classification.points_csv import read_points


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
    points, labels = read_points(path)
    return torch.tensor(points, dtype=torch.float32), torch.tensor(labels, dtype=torch.int64)  # (N, 2), (N,)
