"""Steps 5 and 6: a real layer, Conv2d(5, 10, 3), and a whole network, LeNet-5: shapes and parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from nnlessons_cnn_shapes.by_hand import FLOAT32_TOLERANCE, conv2d_by_hand, max_abs_diff
from nnlessons_cnn_shapes.lenet import build_lenet, conv_params, lenet_params_by_formula, lenet_stages_by_formula
from nnlessons_cnn_shapes.original_lenet import show_original_lenet
from nnlessons_cnn_shapes.report import Claim, shape_text

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext


def run_conv_layer_step(ctx: RunContext) -> tuple[dict[str, Any], list[Claim]]:
    """Note 001: Conv2d(5, 10, 3) on a 1x5x100x100 input; plus a non-square input to show H comes before W."""
    ctx.heading("5. Note 001: Conv2d(5, 10, kernel_size=3) on a 1x5x100x100 input")
    with ctx.seeded(3):  # the same seed gives the same layer
        conv = nn.Conv2d(5, 10, kernel_size=3).to(ctx.device)
    generator = ctx.generator(3)
    x = torch.randn(1, 5, 100, 100, generator=generator).to(ctx.device)  # (N, C, H, W)
    out = conv(x)  # (1, 10, 98, 98)
    wide = torch.randn(1, 5, 100, 60, generator=generator).to(ctx.device)  # (1, 5, H=100, W=60)
    wide_out = conv(wide)  # (1, 10, 98, 58)
    params_torch = sum(p.numel() for p in conv.parameters())
    params_formula = conv_params(5, 10, 3)
    ctx.table(
        "Shapes and parameters",
        ["tensor", "shape", "why"],
        [("input", shape_text(x), "[N, C, H, W]: 1 image, 5 channels, 100 x 100"),
         ("output", shape_text(out), "10 filters -> 10 channels; 100 - 3 + 1 = 98"),
         ("weight", shape_text(conv.weight), "[C_out, C_in, K, K] = [10, 5, 3, 3]"),
         ("bias", shape_text(conv.bias), "one per filter"),
         ("input 100 high x 60 wide", shape_text(wide), "H first, then W"),
         ("its output", shape_text(wide_out), "98 x 58: each axis uses the formula on its own")],
        caption=f"parameters: 10 * (5*3*3 + 1) = {params_formula}; sum(p.numel()) = {params_torch}",
    )
    hand_diff = max_abs_diff(conv2d_by_hand(x, conv.weight, conv.bias), out)
    ctx.console.print(f"conv2d_by_hand over all 98 x 98 windows vs the layer: max |difference| = {hand_diff:.3g}")
    metrics = {
        "conv_5_10_output_shape": dict(zip("nchw", out.shape)),
        "conv_5_10_weight_shape": dict(zip(("out", "in", "kh", "kw"), conv.weight.shape)),
        "conv_5_10_param_count": params_torch,
        "conv_5_10_wide_output_shape": dict(zip("nchw", wide_out.shape)),
        "diff_conv_5_10": hand_diff,
    }
    claims = [
        Claim("Conv2d(5, 10, 3): output [1, 10, 98, 98]", shape_text(out), "[1, 10, 98, 98]",
              tuple(out.shape) == (1, 10, 98, 98)),
        Claim("Conv2d(5, 10, 3): weight [10, 5, 3, 3]", shape_text(conv.weight), "[10, 5, 3, 3]",
              tuple(conv.weight.shape) == (10, 5, 3, 3)),
        Claim("Conv2d(5, 10, 3): 460 parameters", params_torch, str(params_formula), params_torch == params_formula),
        Claim("PyTorch reads [N, C, H, W]: 100x60 -> 98x58", shape_text(wide_out), "[1, 10, 98, 58]",
              tuple(wide_out.shape) == (1, 10, 98, 58)),
        Claim("Conv2d(5, 10, 3): by hand == the layer", hand_diff, f"< {FLOAT32_TOLERANCE:g}", hand_diff < FLOAT32_TOLERANCE),
    ]
    return metrics, claims


def feature_shapes(model: nn.Sequential, x: torch.Tensor) -> dict[str, list[int]]:
    """Output shape after each named layer of a Sequential, for one input."""
    shapes = {}
    with torch.no_grad():
        for name, layer in model.named_children():
            x = layer(x)
            shapes[name] = list(x.shape)
    return shapes


def show_stage_sizes(ctx: RunContext, shapes: dict[str, list[int]]) -> None:
    """The feature extractor's sizes by formula, next to what the model produced."""
    rows = []
    for (stage, formula, channels, side), name in zip(lenet_stages_by_formula(32), ("conv1", "pool1", "conv2", "pool2")):
        rows.append((stage, formula, f"{channels}@{side}x{side}", str(shapes[name])))
    ctx.table("LeNet-5 on a 32x32 image: sizes by formula and by PyTorch", ["stage", "formula", "by formula", "PyTorch"],
              rows, caption="the note says 6@5x5 after the second pooling; pooling keeps the channel count, so it is 16@5x5")


def show_param_formulas(ctx: RunContext, model: nn.Sequential) -> int:
    """Per-layer parameter counts by formula vs PyTorch; returns the formula total."""
    rows = []
    for name, formula, count in lenet_params_by_formula():
        layer = getattr(model, name)
        rows.append((name, formula, count, sum(p.numel() for p in layer.parameters())))
    total = sum(r[2] for r in rows)
    ctx.table("Parameters by formula: filters * (in_channels*K*K + 1), outputs * (inputs + 1)",
              ["layer", "formula", "by formula", "sum(p.numel())"], rows,
              footer=["total", "", total, sum(r[3] for r in rows)])
    return total


def note_flatten_fails(model: nn.Sequential, device: torch.device) -> bool:
    """Feed fc1 the 6*5*5 = 150 features the note's 6@5x5 would give: True if PyTorch refuses."""
    try:
        model.fc1(torch.zeros(1, 6 * 5 * 5, device=device))
    except RuntimeError:
        return True
    return False


def run_lenet_step(ctx: RunContext) -> tuple[dict[str, Any], list[Claim]]:
    """Note 003's LeNet shapes, corrected, then the full layer table and the parameter count."""
    ctx.heading("6. Note 003: LeNet-5 (modern variant), layer by layer")
    with ctx.seeded(4):
        model = build_lenet().to(ctx.device)
    generator = ctx.generator(4)
    x = torch.randn(1, 1, 32, 32, generator=generator).to(ctx.device)  # (1, 1, 32, 32)
    shapes = feature_shapes(model, x)
    show_stage_sizes(ctx, shapes)
    total = ctx.layer_table(model, x, "LeNet-5, modern variant: layer table (like torchinfo)")
    formula_total = show_param_formulas(ctx, model)
    numel_total = sum(p.numel() for p in model.parameters())
    refuses_150 = note_flatten_fails(model, ctx.device)
    original_metrics, original_claims = show_original_lenet(ctx, model, x)
    pool2 = shapes["pool2"]
    metrics = {
        "lenet_param_count": total,
        "lenet_param_count_by_formula": formula_total,
        "lenet_pool2_shape": dict(zip("nchw", pool2)),
        "lenet_flatten_features": shapes["flatten"][1],
        "lenet_output_features": shapes["fc3"][1],
        **original_metrics,
    }
    claims = [
        Claim("LeNet after pool2: 16@5x5 (the note says 6@5x5)", str(pool2), "[1, 16, 5, 5]", pool2 == [1, 16, 5, 5]),
        Claim("LeNet: Flatten gives 16*5*5 = 400 features", shapes["flatten"][1], "400", shapes["flatten"][1] == 400),
        Claim("LeNet: fc1 refuses the 150 features of '6@5x5'", "refuses" if refuses_150 else "accepts", "refuses",
              refuses_150),
        Claim("LeNet: layer table total == formula == sum(p.numel())", total, f"{formula_total} and {numel_total}",
              total == formula_total == numel_total),
        *original_claims,
    ]
    return metrics, claims
