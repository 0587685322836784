"""Step 7: what a Conv2d(1, 32, 5) and a MaxPool2d(2, 2) make of a drawn digit, as image grids."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from nnlessons.drawn_digit import draw_digit
from nnlessons_cnn_shapes.by_hand import max_abs_diff, max_pool2d_by_hand
from nnlessons_cnn_shapes.formula import conv_output_size
from nnlessons_cnn_shapes.plots import feature_map_figure
from nnlessons_cnn_shapes.report import Claim, shape_text

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext

IMAGE_SIZE = 28
KERNEL = 5


def random_conv(ctx: RunContext) -> nn.Conv2d:
    """Step 7's Conv2d(1, N, 5), freshly initialised: the same seed draws the same filters every time."""
    with ctx.seeded(5):
        return nn.Conv2d(1, ctx.params.feature_maps, kernel_size=KERNEL).to(ctx.device)


def digit_feature_maps(ctx: RunContext) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The drawn digit (28, 28), its conv maps (1, C, 24, 24) and pooled maps (1, C, 12, 12), on ctx.device."""
    image = draw_digit(ctx.params.digit, IMAGE_SIZE).to(ctx.device)  # (28, 28)
    conv = random_conv(ctx)
    pool = nn.MaxPool2d(kernel_size=2, stride=2).to(ctx.device)
    with torch.no_grad():
        maps = conv(image.view(1, 1, IMAGE_SIZE, IMAGE_SIZE))  # (1, C, 24, 24)
        pooled = pool(maps)  # (1, C, 12, 12)
    return image, maps, pooled


def show_shapes(ctx: RunContext, image: torch.Tensor, maps: torch.Tensor,
                pooled: torch.Tensor) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """PyTorch's shapes next to the formula's; returns the two expected shapes."""
    channels = maps.shape[1]
    conv_side = conv_output_size(IMAGE_SIZE, KERNEL)
    pool_side = conv_output_size(conv_side, 2, 0, 2)
    ctx.table(
        "Shapes",
        ["tensor", "PyTorch", "by formula"],
        [("digit image, as the layer sees it", shape_text(image.view(1, 1, *image.shape)),
          f"[1, 1, {IMAGE_SIZE}, {IMAGE_SIZE}]"),
         ("after Conv2d", shape_text(maps), f"[1, {channels}, {conv_side}, {conv_side}]  ({IMAGE_SIZE} - {KERNEL} + 1)"),
         ("after MaxPool2d(2, 2)", shape_text(pooled), f"[1, {channels}, {pool_side}, {pool_side}]  ({conv_side} - 2) / 2 + 1")],
    )
    return (1, channels, conv_side, conv_side), (1, channels, pool_side, pool_side)


def save_plots(ctx: RunContext, image: torch.Tensor, maps: torch.Tensor, pooled: torch.Tensor) -> None:
    """Both image grids on the colour scale of the conv maps, so the two figures compare."""
    limit = float(maps.abs().max())
    conv_title = f"after Conv2d(1, {maps.shape[1]}, {KERNEL})"
    channels, side, pooled_side = maps.shape[1], maps.shape[-1], pooled.shape[-1]
    plural = "s" if channels > 1 else ""
    ctx.save_figure(feature_map_figure(image, maps[0], conv_title, limit), "feature_maps_conv.png", caption=(
        f"The drawn '{ctx.params.digit}' (top) and the {channels} feature map{plural}, {side}x{side} each, that a "
        f"Conv2d(1, {channels}, {KERNEL}) with random, untrained filters makes of it (bottom): red where a filter's "
        "output is positive, blue where it is negative. A map's channel is its row's start plus its column's offset."))
    ctx.save_figure(feature_map_figure(image, pooled[0], "after MaxPool2d(2, 2)", limit), "feature_maps_pool.png", caption=(
        f"The same {channels} map{plural} after MaxPool2d(2, 2), {pooled_side}x{pooled_side} each, on the colour scale of the "
        "maps before pooling: each value is the largest of a 2x2 block, so a block's strongest red keeps its full "
        f"strength. Mean activation: {float(maps.mean()):.4f} before pooling, {float(pooled.mean()):.4f} after."))


def run_feature_maps_step(ctx: RunContext) -> tuple[dict[str, Any], list[Claim]]:
    """Draw the digit, convolve, pool, plot both; check shapes, the pooling and what pooling does to the mean."""
    ctx.heading(f"7. Note 003: a drawn '{ctx.params.digit}' through "  # short enough for 80 columns
                f"Conv2d(1, {ctx.params.feature_maps}, {KERNEL}) and MaxPool2d(2, 2)")
    image, maps, pooled = digit_feature_maps(ctx)
    expected_conv, expected_pool = show_shapes(ctx, image, maps, pooled)
    pool_diff = max_abs_diff(max_pool2d_by_hand(maps, 2), pooled)
    conv_mean, pooled_mean = float(maps.mean()), float(pooled.mean())
    ctx.console.print(f"max_pool2d_by_hand vs nn.MaxPool2d: max |difference| = {pool_diff:g}.\n"
                      f"Mean activation: {conv_mean:.4f} after the convolution, {pooled_mean:.4f} after pooling. "
                      "Each pooled value is the largest of its 2x2 block, never below the block's average, "
                      "so pooling keeps the red (positive) responses and lets the blue ones fade.")
    ctx.console.print(f"These {maps.shape[1]} filters are random: the layer's initial weights (seeded), never trained. "
                      "What they pick out is chance; step 8 puts hand-made edge filters beside them.")
    save_plots(ctx, image, maps, pooled)
    metrics = {
        "feature_maps_shape": dict(zip("nchw", maps.shape)),
        "pooled_maps_shape": dict(zip("nchw", pooled.shape)),
        "feature_maps_mean": conv_mean,
        "pooled_maps_mean": pooled_mean,
        "diff_feature_map_pool": pool_diff,
    }
    claims = [
        Claim(f"digit: conv maps {list(expected_conv)}", shape_text(maps), str(list(expected_conv)),
              tuple(maps.shape) == expected_conv),
        Claim(f"digit: pooled maps {list(expected_pool)}", shape_text(pooled), str(list(expected_pool)),
              tuple(pooled.shape) == expected_pool),
        Claim("digit: pool by hand == nn.MaxPool2d", pool_diff, "0", pool_diff == 0),
        Claim("digit: max pooling raises the mean activation", f"{conv_mean:.4f} -> {pooled_mean:.4f}", "higher",
              pooled_mean > conv_mean),
    ]
    return metrics, claims
