"""Step 4: note 000's 7x7x3 input and a 3x3x3 filter plus bias: channel sums, then the bias."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F

from nnlessons_cnn_shapes.by_hand import conv2d_by_hand, max_abs_diff, window_channel_sums
from nnlessons_cnn_shapes.examples import (
    CHANNEL_NAMES,
    RGB_BIAS,
    RGB_FILTER,
    RGB_IMAGE,
    as_tensor,
    rgb_image_padded_hwc,
)
from nnlessons_cnn_shapes.report import Claim, grid_text, shape_text

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext

STRIDE = 2


def channels_first(ctx: RunContext, hwc: torch.Tensor) -> tuple[torch.Tensor, float]:
    """(7, 7, 3) -> (3, 7, 7) with permute; show that reshape would scramble the pixels.

    :return: the (3, 7, 7) tensor and max |reshape - permute|.
    """
    right = hwc.permute(2, 0, 1)  # (3, 7, 7): moves the axes
    wrong = hwc.reshape(3, 7, 7)  # (3, 7, 7): same shape, but re-reads the memory in order
    ctx.table(
        "The note writes 7x7x3 (height, width, channels); PyTorch wants channels first: [N, C, H, W]",
        ["", "shape", "channel 0 (R)"],
        [("stored as H x W x C", shape_text(hwc), grid_text(hwc[:, :, 0])),
         ("permute(2, 0, 1)  (right)", shape_text(right), grid_text(right[0])),
         ("reshape(3, 7, 7)  (wrong)", shape_text(wrong), grid_text(wrong[0]))],
    )
    return right, max_abs_diff(right, wrong)


def show_first_window(ctx: RunContext, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """Per-channel sums of the top-left window, then + bias. Returns the (3,) channel sums."""
    sums = window_channel_sums(x[0], weight[0], top=0, left=0)  # (3,)
    rows = [(name, grid_text(x[0, c, :3, :3]), grid_text(weight[0, c]), float(sums[c]))
            for c, name in enumerate(CHANNEL_NAMES)]
    total = float(sums.sum() + bias[0])
    ctx.table(
        "Output cell (0, 0): one sum per colour channel, then one bias for the whole filter",
        ["channel", "window (7x7 input, rows 0-2, cols 0-2)", "filter W0", "sum of window * filter"],
        rows + [("bias b0", "", "", float(bias[0]))],
        footer=["total", "", "", total],
    )
    return sums


def show_all_cells(ctx: RunContext, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
                   by_hand: torch.Tensor, by_torch: torch.Tensor) -> None:
    """Every cell of the 3x3 output: R + G + B + bias by hand, and F.conv2d."""
    rows = []
    for i in range(by_torch.shape[-2]):
        for j in range(by_torch.shape[-1]):
            sums = window_channel_sums(x[0], weight[0], top=i * STRIDE, left=j * STRIDE)  # (3,)
            rows.append((f"({i}, {j})", *(float(v) for v in sums), float(bias[0]),
                         float(by_hand[0, 0, i, j]), float(by_torch[0, 0, i, j])))
    ctx.table(
        f"All cells, stride {STRIDE}: (7 - 3) / {STRIDE} + 1 = 3 per side",
        ["cell", "R", "G", "B", "bias", "conv2d_by_hand", "F.conv2d"],
        rows,
    )


def run_rgb_step(ctx: RunContext) -> tuple[dict[str, Any], list[Claim]]:
    """The whole step; returns metrics and claims."""
    ctx.heading("4. Note 000: a 7x7x3 input, one 3x3x3 filter and a bias")
    chw, reshape_diff = channels_first(ctx, rgb_image_padded_hwc(ctx.device))
    x = chw.unsqueeze(0)  # (1, 3, 7, 7)
    weight = as_tensor(RGB_FILTER, ctx.device).unsqueeze(0)  # (1, 3, 3, 3): one filter, 3 channels deep
    bias = torch.full((1,), RGB_BIAS, device=ctx.device)  # (1,)
    sums = show_first_window(ctx, x, weight, bias)
    by_hand = conv2d_by_hand(x, weight, bias, stride=STRIDE)  # (1, 1, 3, 3)
    by_torch = F.conv2d(x, weight, bias, stride=STRIDE)  # (1, 1, 3, 3)
    show_all_cells(ctx, x, weight, bias, by_hand, by_torch)
    hand_diff = max_abs_diff(by_hand, by_torch)
    image = as_tensor(RGB_IMAGE, ctx.device).unsqueeze(0)  # (1, 3, 5, 5): the image without its border
    padded_by_torch = F.conv2d(image, weight, bias, stride=STRIDE, padding=1)  # (1, 1, 3, 3)
    padding_diff = max_abs_diff(padded_by_torch, by_torch)
    ctx.table("The zero border is padding: a 5x5x3 image with padding=1 gives the same output",
              ["input", "F.conv2d output", "max |difference|"],
              [("7x7x3, padding 0", grid_text(by_torch[0, 0]), ""),
               ("5x5x3, padding 1", grid_text(padded_by_torch[0, 0]), padding_diff)])
    first = float(by_torch[0, 0, 0, 0])
    metrics = {
        "rgb_channel_sums": {name: float(sums[c]) for c, name in enumerate(CHANNEL_NAMES)},
        "rgb_first_output": first,
        "rgb_padding_equivalence_diff": padding_diff,
        "hwc_reshape_vs_permute_diff": reshape_diff,
        "diff_rgb": hand_diff,
    }
    note_sums = [float(v) for v in sums] == [0.0, 2.0, 0.0]
    claims = [
        Claim("note 000: channel sums R, G, B = 0, 2, 0", ", ".join(f"{float(v):g}" for v in sums), "0, 2, 0", note_sums),
        Claim("note 000: 0 + 2 + 0 + bias 1 = 3 (F.conv2d)", first, "3", first == 3.0),
        Claim("7x7x3 input: by hand == F.conv2d", hand_diff, "0", hand_diff == 0),
        Claim("5x5x3 + padding 1 == 7x7x3 with its zero border", padding_diff, "0", padding_diff == 0),
        Claim("reshape is not permute for H x W x C -> C x H x W", reshape_diff, "> 0", reshape_diff > 0),
    ]
    return metrics, claims
