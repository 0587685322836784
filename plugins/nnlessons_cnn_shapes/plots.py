"""Feature maps as one tiled image next to the input they came from (matplotlib Figure, no pyplot)."""

from __future__ import annotations

import math

import matplotlib
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

MAPS_PER_ROW = 8
FIGURE_WIDTH = 8.5  # inches
INPUT_HEIGHT = 2.8  # inches, the input digit's row


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
    """The input on top; all channels tiled below it on one shared colour scale.

    Input and maps are stacked rather than side by side so the figure stays 8.5 inches wide (about
    950 px at dpi 110) and the docs column barely shrinks it; more channels add rows, not width.

    :param image: the input picture, (H, W), values in [0, 1].
    :param maps: one layer's output for that picture, (C, h, w).
    :param title: what produced the maps, e.g. "after MaxPool2d(2, 2)".
    :param limit: the colour scale runs from -limit to +limit (shared, so tiles compare).
    """
    image = image.detach().cpu()
    channels, height, width = maps.shape
    cols = min(MAPS_PER_ROW, channels)
    rows = math.ceil(channels / cols)
    tile = (FIGURE_WIDTH - 1.6) / max(cols, 4)  # inches per map, leaving room for labels and the colour bar
    maps_height = rows * tile * height / width + 1.0
    fig = Figure(figsize=(FIGURE_WIDTH, INPUT_HEIGHT + maps_height), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[INPUT_HEIGHT, maps_height])

    input_ax = top.subplots(1, 3, width_ratios=[1, 1.4, 1])[1]  # the outer two only centre the input
    for spacer in top.axes[::2]:
        spacer.axis("off")
    ink = input_ax.imshow(image.numpy(), cmap="gray_r", vmin=0.0, vmax=1.0)
    input_ax.set_title(f"input {image.shape[0]}x{image.shape[1]}")
    input_ax.set_xlabel("column (pixel)")
    input_ax.set_ylabel("row (pixel)")
    top.colorbar(ink, ax=input_ax, label="ink", shrink=0.9)

    if cols < 4:  # narrower than the row: centre it between spacers, the colour bar beside it
        maps_ax = bottom.subplots(1, 3, width_ratios=[4 - cols, 2 * cols, 4 - cols])[1]
        for spacer in bottom.axes[::2]:
            spacer.axis("off")
    else:
        maps_ax = bottom.subplots()
    colours = matplotlib.colormaps["RdBu_r"].with_extremes(bad="white")
    shown = maps_ax.imshow(tile_maps(maps).numpy(), cmap=colours, vmin=-limit, vmax=limit)
    maps_ax.set_title(f"{channels} map{'s' if channels > 1 else ''}, {height}x{width} each")
    label_tiles(maps_ax, channels, height, width)
    bottom.colorbar(shown, ax=maps_ax, label="activation (red > 0 > blue)", shrink=0.9)
    fig.suptitle(f"Feature maps of the drawn digit {title}")
    return fig
