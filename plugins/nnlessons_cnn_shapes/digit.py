"""Draw a handwritten-looking digit on a square grid: pen strokes rasterised by distance."""

from __future__ import annotations

import math

import torch

#: Pen strokes per digit: polylines in unit coordinates, x to the right, y downwards.
Stroke = list[tuple[float, float]]


def arc(cx: float, cy: float, radius_x: float, radius_y: float, start_deg: float, end_deg: float, steps: int = 24) -> Stroke:
    """Points along an elliptic arc (angles in degrees, 0 = right, 90 = down)."""
    angles = [math.radians(start_deg + (end_deg - start_deg) * k / steps) for k in range(steps + 1)]
    return [(cx + radius_x * math.cos(a), cy + radius_y * math.sin(a)) for a in angles]


def digit_strokes(digit: str) -> list[Stroke]:
    """The polylines a pen would draw for `digit` (one of 0, 1, 3, 7)."""
    if digit == "7":
        return [[(0.24, 0.22), (0.76, 0.20), (0.62, 0.45), (0.45, 0.82)], [(0.40, 0.50), (0.70, 0.50)]]
    if digit == "1":
        return [[(0.36, 0.32), (0.54, 0.18), (0.54, 0.82)], [(0.38, 0.82), (0.70, 0.82)]]
    if digit == "3":
        return [arc(0.50, 0.35, 0.18, 0.16, -160, 90), arc(0.50, 0.67, 0.20, 0.16, -90, 160)]
    if digit == "0":
        return [arc(0.50, 0.50, 0.20, 0.31, 0, 360, steps=48)]
    raise ValueError(f"no strokes for digit {digit!r}")


def distance_to_segment(points: torch.Tensor, start: tuple[float, float], end: tuple[float, float]) -> torch.Tensor:
    """Euclidean distance from each point (P, 2) to the segment start-end; returns (P,)."""
    a = torch.tensor(start, dtype=points.dtype)
    b = torch.tensor(end, dtype=points.dtype)
    ab = b - a  # (2,)
    t = ((points - a) @ ab / ab.dot(ab).clamp_min(1e-12)).clamp(0.0, 1.0)  # (P,)
    closest = a + t.unsqueeze(1) * ab  # (P, 2)
    return (points - closest).norm(dim=1)  # (P,)


def draw_digit(digit: str = "7", size: int = 28, pen_width: float = 0.11) -> torch.Tensor:
    """A (size, size) image in [0, 1] on the CPU: 1 on the strokes, 0 elsewhere, soft edges.

    :param pen_width: stroke width as a fraction of the image side.
    """
    centres = (torch.arange(size, dtype=torch.float32) + 0.5) / size  # (size,)
    ys, xs = torch.meshgrid(centres, centres, indexing="ij")  # (size, size) each
    points = torch.stack([xs.flatten(), ys.flatten()], dim=1)  # (size*size, 2)
    nearest = torch.full((size * size,), float("inf"))  # (size*size,)
    for stroke in digit_strokes(digit):
        for start, end in zip(stroke[:-1], stroke[1:]):
            nearest = torch.minimum(nearest, distance_to_segment(points, start, end))
    pixel = 1.0 / size
    ink = ((pen_width / 2 - nearest) / pixel + 0.5).clamp(0.0, 1.0)  # one-pixel soft edge
    return ink.view(size, size)  # (size, size)
