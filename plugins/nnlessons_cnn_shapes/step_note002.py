"""Step 2: note 002's 5x5 input and fixed 3x3 kernel, window by window, then ReLU, MaxPool and Flatten."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F
from nnlessons.run_context import markup
from torch import nn

from nnlessons_cnn_shapes.by_hand import conv2d_by_hand, max_abs_diff, max_pool2d_by_hand
from nnlessons_cnn_shapes.examples import note002_input, note002_kernel, try_note002_weight_line
from nnlessons_cnn_shapes.input_ranks import show_input_ranks
from nnlessons_cnn_shapes.report import Claim, grid_text, shape_text

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext


def show_windows(ctx: RunContext, x: torch.Tensor, kernel: torch.Tensor, by_torch: torch.Tensor) -> None:
    """One row per output cell: the 3x3 window, its sum of products, and PyTorch's value there."""
    rows = []
    size = kernel.shape[-1]
    for i in range(by_torch.shape[-2]):
        for j in range(by_torch.shape[-1]):
            window = x[0, 0, i : i + size, j : j + size]  # (3, 3)
            products = window * kernel[0, 0]  # (3, 3)
            rows.append((f"({i}, {j})", grid_text(window), grid_text(products),
                         float(products.sum()), float(by_torch[0, 0, i, j])))
    ctx.table(
        "Each output cell = sum of (window * kernel), kernel = " + grid_text(kernel[0, 0]).replace("\n", " / "),
        ["cell", "window of the input", "window * kernel", "sum (by hand)", "F.conv2d"],
        rows,
    )


POOL = "MaxPool2d(2, stride=2, padding=1)"


def pipeline_after_conv(ctx: RunContext, conv_out: torch.Tensor) -> dict[str, torch.Tensor]:
    """ReLU, MaxPool2d(2, stride 2, padding 1), Flatten as modules on the device; print each shape."""
    relu = nn.ReLU().to(ctx.device)
    pool = nn.MaxPool2d(kernel_size=2, stride=2, padding=1).to(ctx.device)
    flatten = nn.Flatten().to(ctx.device)
    stages = {"Conv2d(1, 1, 3, bias=False)": conv_out}
    stages["ReLU"] = relu(conv_out)  # (1, 1, 3, 3)
    stages[POOL] = pool(stages["ReLU"])  # (1, 1, 2, 2)
    stages["Flatten"] = flatten(stages[POOL])  # (1, 4)
    ctx.table(
        "After the convolution",
        ["layer", "output shape", "values"],
        [(name, shape_text(t), grid_text(t.reshape(-1, t.shape[-1]))) for name, t in stages.items()],
        caption="pool: floor((3 - 2 + 2*1) / 2) + 1 = 2 per side; Flatten keeps the batch axis: [1, 4], not [4]",
    )
    return stages


def show_pool_padding(ctx: RunContext, conv_out: torch.Tensor) -> tuple[float, float]:
    """MaxPool pads with -inf: compare by hand with -inf and with 0 padding on negative inputs.

    :return: (max |hand(-inf) - PyTorch|, max |hand(0) - PyTorch|).
    """
    negative = -conv_out  # (1, 1, 3, 3), every value < 0
    by_torch = F.max_pool2d(negative, 2, stride=2, padding=1)
    minus_inf = max_pool2d_by_hand(negative, 2, stride=2, padding=1)
    zeros = max_pool2d_by_hand(negative, 2, stride=2, padding=1, pad_value=0.0)
    ctx.table(
        "Pitfall: max pooling pads with -inf, not 0 (input = minus the conv output, all negative)",
        ["", "input", "F.max_pool2d", "by hand, pad -inf", "by hand, pad 0"],
        [("values", grid_text(negative[0, 0]), grid_text(by_torch[0, 0]), grid_text(minus_inf[0, 0]),
          grid_text(zeros[0, 0]))],
    )
    return max_abs_diff(minus_inf, by_torch), max_abs_diff(zeros, by_torch)


def show_note_weight_line(ctx: RunContext) -> str | None:
    """Run the note's weight assignment and print what PyTorch says; return its error (None if it ran)."""
    error = try_note002_weight_line(ctx.device)
    outcome = markup("fails: [italic]{}[/]", error) if error else "runs"
    ctx.console.print(f"The note's line `conv1.weight.data = torch.tensor([[[...]]])` (int64, shape [1, 3, 3]) "
                      f"{outcome}. Use a float tensor of shape [1, 1, 3, 3].")
    return error


def run_note002_step(ctx: RunContext) -> tuple[dict[str, Any], list[Claim]]:
    """The whole step; returns metrics and claims."""
    ctx.heading("2. Note 002: a 5x5 input, a fixed 3x3 kernel, no bias")
    x = note002_input(ctx.device)  # (1, 1, 5, 5)
    kernel = note002_kernel(ctx.device)  # (1, 1, 3, 3)
    by_hand = conv2d_by_hand(x, kernel)  # (1, 1, 3, 3)
    by_torch = F.conv2d(x, kernel)  # (1, 1, 3, 3)
    show_windows(ctx, x, kernel, by_torch)
    conv_diff = max_abs_diff(by_hand, by_torch)
    ctx.table("Side by side", ["by hand (loops)", "F.conv2d", "max |difference|"],
              [(grid_text(by_hand[0, 0]), grid_text(by_torch[0, 0]), conv_diff)])
    stages = pipeline_after_conv(ctx, by_torch)
    pool_hand_diff = max_abs_diff(max_pool2d_by_hand(stages["ReLU"], 2, 2, 1), stages[POOL])
    relu_change = max_abs_diff(stages["ReLU"], by_torch)
    inf_diff, zero_diff = show_pool_padding(ctx, by_torch)
    error = show_note_weight_line(ctx)
    rank_metrics, rank_claims = show_input_ranks(ctx, x[0, 0], kernel)
    flat = stages["Flatten"]
    metrics = {
        "note002_conv_sum": float(by_torch.sum()),
        "note002_flatten_features": int(flat.shape[1]),
        "note002_flatten_values": {str(k): float(v) for k, v in enumerate(flat[0].tolist())},
        "note002_relu_change": relu_change,
        "note002_weight_line_fails": int(error is not None),
        "pool_zero_padding_diff": zero_diff,
        "diff_note002": max(conv_diff, pool_hand_diff, inf_diff),
        **rank_metrics,
    }
    claims = [
        Claim("note 002: by hand == F.conv2d", conv_diff, "0", conv_diff == 0),
        Claim("note 002: ReLU changes nothing (all outputs > 0)", relu_change, "0", relu_change == 0),
        Claim("note 002: pool output [1, 1, 2, 2], Flatten [1, 4]",
              f"{shape_text(stages[POOL])}, {shape_text(flat)}",
              "[1, 1, 2, 2], [1, 4]", tuple(stages[POOL].shape) == (1, 1, 2, 2) and tuple(flat.shape) == (1, 4)),
        Claim("max pool by hand (-inf padding) == F.max_pool2d", max(pool_hand_diff, inf_diff), "0",
              max(pool_hand_diff, inf_diff) == 0),
        Claim("zero padding would change the pooled values", zero_diff, "> 0", zero_diff > 0),
        Claim("note 002's weight line fails as written", "raises RuntimeError" if error else "runs",
              "raises RuntimeError", error is not None),
        *rank_claims,
    ]
    return metrics, claims
