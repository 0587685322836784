"""Draw deterministic digit-like images, for lessons that need a digit without a dataset.

A lesson that shows what a model does to an image (a convolution's feature maps, how an LSTM
reads rows, how a 28 x 28 image becomes 784 inputs) can do it before, or instead of, loading
MNIST: the picture is drawn here from pen strokes, the same pixels every time, on any machine,
offline. The images look like MNIST digits where it matters: 28 x 28, a dark background of
0s, strokes of 1s with a one-pixel soft edge, an empty margin around the digit::

    from nnlessons.drawn_digit import DRAWABLE_DIGITS, draw_digit, draw_digits

    image = draw_digit("7").to(ctx.device)   # (28, 28) in [0, 1]: made on the CPU, moved once
    batch = draw_digits().to(ctx.device)     # (4, 28, 28): one image per digit of DRAWABLE_DIGITS
    labels = torch.tensor([int(d) for d in DRAWABLE_DIGITS], device=ctx.device)  # (4,)

Pixels are in [0, 1], as MNIST bytes / 255 (what ``ToTensor`` gives); standardise them with
``nnlessons.mnist.MNIST_MEAN`` / ``MNIST_STD`` if the lesson's model expects that. These are
drawn, not handwritten: fine for shapes, checks and pictures of what a layer does, not for
measuring accuracy. The module imports torch: import it where the lesson runs (the run hook),
not in the plugin's ``__init__``.
"""

from __future__ import annotations

import math

import torch

#: A pen stroke: a polyline in unit coordinates, x to the right, y downwards.
Stroke = list[tuple[float, float]]

#: The digits `draw_digit` knows how to draw.
DRAWABLE_DIGITS = ("0", "1", "3", "7")


def arc(cx: float, cy: float, radius_x: float, radius_y: float, start_deg: float, end_deg: float, steps: int = 24) -> Stroke:
    """Points along an elliptic arc (angles in degrees, 0 = right, 90 = down)."""
    angles = [math.radians(start_deg + (end_deg - start_deg) * k / steps) for k in range(steps + 1)]
    return [(cx + radius_x * math.cos(a), cy + radius_y * math.sin(a)) for a in angles]


def digit_strokes(digit: str) -> list[Stroke]:
    """The polylines a pen would draw for `digit` (one of DRAWABLE_DIGITS)."""
    if digit == "7":
        return [[(0.24, 0.22), (0.76, 0.20), (0.62, 0.45), (0.45, 0.82)], [(0.40, 0.50), (0.70, 0.50)]]
    if digit == "1":
        return [[(0.36, 0.32), (0.54, 0.18), (0.54, 0.82)], [(0.38, 0.82), (0.70, 0.82)]]
    if digit == "3":
        return [arc(0.50, 0.35, 0.18, 0.16, -160, 90), arc(0.50, 0.67, 0.20, 0.16, -90, 160)]
    if digit == "0":
        return [arc(0.50, 0.50, 0.20, 0.31, 0, 360, steps=48)]
    raise ValueError(f"no strokes for digit {digit!r}; drawable digits: {', '.join(DRAWABLE_DIGITS)}")


def distance_to_segment(points: torch.Tensor, start: tuple[float, float], end: tuple[float, float]) -> torch.Tensor:
    """Euclidean distance from each point (P, 2) to the segment start-end; returns (P,)."""
    a = torch.tensor(start, dtype=points.dtype)
    b = torch.tensor(end, dtype=points.dtype)
    ab = b - a  # (2,)
    t = ((points - a) @ ab / ab.dot(ab).clamp_min(1e-12)).clamp(0.0, 1.0)  # (P,)
    closest = a + t.unsqueeze(1) * ab  # (P, 2)
    return (points - closest).norm(dim=1)  # (P,)


def draw_digit(digit: str = "7", size: int = 28, pen_width: float = 0.11) -> torch.Tensor:
    """A (size, size) float32 image in [0, 1] on the CPU: 1 on the strokes, 0 elsewhere, soft edges.

    :param digit: one of DRAWABLE_DIGITS; any other raises ValueError.
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


def draw_digits(digits: tuple[str, ...] = DRAWABLE_DIGITS, size: int = 28) -> torch.Tensor:
    """A batch (len(digits), size, size) on the CPU, one drawn image per digit, in the order given."""
    return torch.stack([draw_digit(digit, size) for digit in digits])  # (B, size, size)
