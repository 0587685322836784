"""Step 3: the hand-written loops against F.conv2d and F.max_pool2d on random inputs and settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F

from nnlessons_cnn_shapes.by_hand import FLOAT32_TOLERANCE, conv2d_by_hand, max_abs_diff, max_pool2d_by_hand
from nnlessons_cnn_shapes.report import Claim

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext

ROWS_SHOWN = 12


@dataclass(frozen=True)
class RandomSetting:
    """Sizes of one random comparison."""

    batch: int
    in_channels: int
    out_channels: int
    height: int
    width: int
    kernel_h: int
    kernel_w: int
    stride: int
    padding: int
    pool_kernel: int
    pool_padding: int


def short_float(value: float) -> str:
    """0 -> '0', 2.384e-07 -> '2.4e-07': fits a narrow column."""
    return "0" if value == 0 else f"{value:.1e}"


def draw_setting(generator: torch.Generator) -> RandomSetting:
    """Small random sizes; the kernel always fits the padded input."""
    def pick(low: int, high: int) -> int:
        return int(torch.randint(low, high + 1, (1,), generator=generator))

    padding = pick(0, 2)
    height, width = pick(3, 12), pick(3, 12)
    pool_kernel = pick(1, min(4, height, width))
    return RandomSetting(
        batch=pick(1, 2), in_channels=pick(1, 3), out_channels=pick(1, 4), height=height, width=width,
        kernel_h=pick(1, min(5, height + 2 * padding)), kernel_w=pick(1, min(5, width + 2 * padding)),
        stride=pick(1, 3), padding=padding, pool_kernel=pool_kernel, pool_padding=pick(0, pool_kernel // 2),
    )


def compare_once(setting: RandomSetting, generator: torch.Generator, device: torch.device) -> tuple[float, float, list[int]]:
    """One random input, filters and bias: (conv diff, pool diff, output shape)."""
    s = setting
    x = torch.randn(s.batch, s.in_channels, s.height, s.width, generator=generator).to(device)  # (N, C, H, W)
    weight = torch.randn(s.out_channels, s.in_channels, s.kernel_h, s.kernel_w, generator=generator).to(device)
    bias = torch.randn(s.out_channels, generator=generator).to(device)  # (O,)
    by_torch = F.conv2d(x, weight, bias, stride=s.stride, padding=s.padding)  # (N, O, H_out, W_out)
    conv_diff = max_abs_diff(conv2d_by_hand(x, weight, bias, s.stride, s.padding), by_torch)
    pooled = F.max_pool2d(x, s.pool_kernel, stride=s.stride, padding=s.pool_padding)  # (N, C, ., .)
    pool_diff = max_abs_diff(max_pool2d_by_hand(x, s.pool_kernel, s.stride, s.pool_padding), pooled)
    return conv_diff, pool_diff, list(by_torch.shape)


def run_random_checks_step(ctx: RunContext) -> tuple[dict[str, Any], list[Claim]]:
    """Compare `ctx.params.random_convs` random settings; print a table; return metrics and claims."""
    ctx.heading("3. The hand-written loops on random inputs, PyTorch as the judge")  # fits 80 columns
    generator = ctx.generator(2)
    rows, conv_diffs, pool_diffs = [], [], []
    count = ctx.params.random_convs
    with ctx.progress(count, "random comparisons") as bar:
        for _ in range(count):
            setting = draw_setting(generator)
            conv_diff, pool_diff, out_shape = compare_once(setting, generator, ctx.device)
            conv_diffs.append(conv_diff)
            pool_diffs.append(pool_diff)
            s = setting
            rows.append((f"{s.batch}x{s.in_channels}x{s.height}x{s.width}",
                         f"{s.out_channels}x{s.in_channels}x{s.kernel_h}x{s.kernel_w}",
                         f"{s.stride}, {s.padding}", "x".join(map(str, out_shape)), short_float(conv_diff),
                         f"{s.pool_kernel}, {s.pool_padding}", short_float(pool_diff)))
            bar.advance(max_diff=max(conv_diffs))
    hidden = len(rows) - ROWS_SHOWN
    ctx.table(
        "conv2d_by_hand vs F.conv2d and max_pool2d_by_hand vs F.max_pool2d (random float32 data)",
        ["input", "weight", "S, P", "output", "conv |diff|", "pool K, P", "pool |diff|"],
        rows[:ROWS_SHOWN],
        caption=(f"... and {hidden} more. " if hidden > 0 else "") + "|diff| = max absolute difference; "
        "conv differs by float32 rounding only (the sums run in another order), pooling exactly 0",
    )
    worst_conv, worst_pool = max(conv_diffs), max(pool_diffs)
    metrics = {"random_comparisons": count, "diff_random_conv": worst_conv, "diff_random_pool": worst_pool}
    claims = [
        Claim(f"by hand == F.conv2d on {count} random settings", worst_conv, f"< {FLOAT32_TOLERANCE:g}",
              worst_conv < FLOAT32_TOLERANCE),
        Claim(f"by hand == F.max_pool2d on {count} random settings", worst_pool, "0", worst_pool == 0),
    ]
    return metrics, claims
