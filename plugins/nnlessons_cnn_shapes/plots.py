"""Feature maps as one tiled image next to the input they came from (matplotlib Figure, no pyplot)."""

from __future__ import annotations

import math

import matplotlib
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

MAPS_PER_ROW = 8


def tile_maps(maps: torch.Tensor, per_row: int = MAPS_PER_ROW) -> torch.Tensor:
    """Lay (C, h, w) maps out on one canvas, `per_row` across, separated by a 1-pixel NaN gap.

    :return: (rows * (h + 1) - 1, per_row * (w + 1) - 1) on the CPU; NaN between tiles.
    """
    maps = maps.detach().cpu()
    channels, height, width = maps.shape
    cols = min(per_row, channels)
    rows = math.ceil(channels / cols)
    canvas = torch.full((rows * (height + 1) - 1, cols * (width + 1) - 1), float("nan"))
    for channel in range(channels):
        top, left = (channel // cols) * (height + 1), (channel % cols) * (width + 1)
        canvas[top : top + height, left : left + width] = maps[channel]
    return canvas


def label_tiles(ax: Axes, channels: int, height: int, width: int) -> None:
    """Ticks in the middle of the tiles: rows labelled with their first channel, columns with the offset +0, +1, ..."""
    cols = min(MAPS_PER_ROW, channels)
    rows = math.ceil(channels / cols)
    ax.set_xticks([c * (width + 1) + (width - 1) / 2 for c in range(cols)], [f"+{c}" for c in range(cols)])
    ax.set_yticks([r * (height + 1) + (height - 1) / 2 for r in range(rows)], [str(r * cols) for r in range(rows)])
    ax.tick_params(length=0)
    ax.set_xlabel("channel = row start + offset")
    ax.set_ylabel("row starts at channel")


def feature_map_figure(image: torch.Tensor, maps: torch.Tensor, title: str, limit: float) -> Figure:
    """The input on the left; all channels tiled on the right on one shared colour scale.

    :param image: the input picture, (H, W), values in [0, 1].
    :param maps: one layer's output for that picture, (C, h, w).
    :param title: what produced the maps, e.g. "after MaxPool2d(2, 2)".
    :param limit: the colour scale runs from -limit to +limit (shared, so tiles compare).
    """
    image = image.detach().cpu()
    channels, height, width = maps.shape
    cols = min(MAPS_PER_ROW, channels)
    fig = Figure(figsize=(max(9.0, 4.5 + 1.3 * cols), 1.6 + 1.3 * math.ceil(channels / cols)), layout="constrained")
    input_ax, maps_ax = fig.subplots(1, 2, width_ratios=[3, max(cols, 4)])

    ink = input_ax.imshow(image.numpy(), cmap="gray_r", vmin=0.0, vmax=1.0)
    input_ax.set_title(f"input {image.shape[0]}x{image.shape[1]}")
    input_ax.set_xlabel("column (pixel)")
    input_ax.set_ylabel("row (pixel)")
    fig.colorbar(ink, ax=input_ax, location="bottom", label="ink", shrink=0.9)

    colours = matplotlib.colormaps["RdBu_r"].with_extremes(bad="white")
    shown = maps_ax.imshow(tile_maps(maps).numpy(), cmap=colours, vmin=-limit, vmax=limit)
    maps_ax.set_title(f"{channels} map{'s' if channels > 1 else ''}, {height}x{width} each")
    label_tiles(maps_ax, channels, height, width)
    fig.colorbar(shown, ax=maps_ax, label="activation (red > 0 > blue)", shrink=0.9)
    fig.suptitle(f"Feature maps of the drawn digit {title}")
    return fig
