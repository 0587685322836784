"""Step 7: what a Conv2d(1, 32, 5) and a MaxPool2d(2, 2) make of a drawn digit, as image grids."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from nnlessons_cnn_shapes.by_hand import max_abs_diff, max_pool2d_by_hand
from nnlessons_cnn_shapes.digit import draw_digit
from nnlessons_cnn_shapes.formula import conv_output_size
from nnlessons_cnn_shapes.plots import feature_map_figure
from nnlessons_cnn_shapes.report import Claim, shape_text
from nnlessons_cnn_shapes.seeded import init_from_generator

IMAGE_SIZE = 28
KERNEL = 5


def run_feature_maps_step(ctx: Any) -> tuple[dict[str, Any], list[Claim]]:
    """Draw the digit, convolve, pool, plot both; check shapes and the pooling."""
    channels = ctx.params.feature_maps
    ctx.heading(f"7. Note 003: feature maps of a drawn '{ctx.params.digit}' after Conv2d(1, {channels}, {KERNEL}) "
                "and MaxPool2d(2, 2)")
    image = draw_digit(ctx.params.digit, IMAGE_SIZE).to(ctx.device)  # (28, 28)
    conv = init_from_generator(nn.Conv2d(1, channels, kernel_size=KERNEL), ctx.generator(5)).to(ctx.device)
    pool = nn.MaxPool2d(kernel_size=2, stride=2).to(ctx.device)
    with torch.no_grad():
        maps = conv(image.view(1, 1, IMAGE_SIZE, IMAGE_SIZE))  # (1, C, 24, 24)
        pooled = pool(maps)  # (1, C, 12, 12)
    conv_side = conv_output_size(IMAGE_SIZE, KERNEL)
    pool_side = conv_output_size(conv_side, 2, 0, 2)
    pool_diff = max_abs_diff(max_pool2d_by_hand(maps, 2), pooled)
    ctx.table(
        "Shapes",
        ["tensor", "PyTorch", "by formula"],
        [("digit image", shape_text(image.view(1, 1, IMAGE_SIZE, IMAGE_SIZE)), f"[1, 1, {IMAGE_SIZE}, {IMAGE_SIZE}]"),
         ("after Conv2d", shape_text(maps), f"[1, {channels}, {conv_side}, {conv_side}]  ({IMAGE_SIZE} - {KERNEL} + 1)"),
         ("after MaxPool2d(2, 2)", shape_text(pooled), f"[1, {channels}, {pool_side}, {pool_side}]  ({conv_side} - 2) / 2 + 1")],
        caption=f"max pool by hand vs nn.MaxPool2d: max |difference| = {pool_diff:g}",
    )
    limit = float(maps.abs().max())
    ctx.save_figure(feature_map_figure(image, maps[0], f"after Conv2d(1, {channels}, {KERNEL})", limit),
                    "feature_maps_conv.png")
    ctx.save_figure(feature_map_figure(image, pooled[0], "after MaxPool2d(2, 2)", limit), "feature_maps_pool.png")
    ctx.console.print("Red = the filter responds positively, blue = negatively; pooling keeps the largest value of "
                      "each 2x2 block, so the maps shrink by half and their bright strokes survive.")
    expected_conv = (1, channels, conv_side, conv_side)
    expected_pool = (1, channels, pool_side, pool_side)
    metrics = {
        "feature_maps_shape": dict(zip("nchw", maps.shape)),
        "pooled_maps_shape": dict(zip("nchw", pooled.shape)),
        "diff_feature_map_pool": pool_diff,
    }
    claims = [
        Claim(f"digit: conv maps {list(expected_conv)}", shape_text(maps), str(list(expected_conv)),
              tuple(maps.shape) == expected_conv),
        Claim(f"digit: pooled maps {list(expected_pool)}", shape_text(pooled), str(list(expected_pool)),
              tuple(pooled.shape) == expected_pool),
        Claim("digit: pool by hand == nn.MaxPool2d", pool_diff, "0", pool_diff == 0),
    ]
    return metrics, claims
