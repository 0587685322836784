"""Steps 1 and 2, which need no MNIST: both networks' layers and sizes, and train() against eval(), on drawn digits.

Everything here runs on digits drawn by `nnlessons.drawn_digit`, so it prints and plots the same on a
machine that has no MNIST and no network.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from nnlessons.drawn_digit import draw_digits
from nnlessons.mnist import standardize
from nnlessons.run_context import RunContext
from nnlessons_cnn_mnist import plots
from nnlessons_cnn_mnist.models import (
    lenet_parameters_by_formula,
    parameter_count,
    small_cnn_parameters_by_formula,
)
from nnlessons_cnn_mnist.modes import RUNNING_PASSES, batch_norm_numbers, dropout_numbers

SHAPES_FIGURE = "lenet_shapes.png"

#: What the 1998 LeNet-5 had, against the modern variant built here (LeCun, Bottou, Bengio, Haffner 1998).
ORIGINAL_LENET = (
    ("activation", "scaled tanh, 1.7159 tanh(2x/3)", "ReLU"),
    ("S2, S4 subsampling", "average of 2x2, times a trained weight, plus a trained bias, then the activation",
     "max of 2x2, nothing trained"),
    ("C3: which S2 maps each of the 16 filters reads", "a fixed table: 6 filters read 3 maps, 9 read 4, 1 reads all 6",
     "all 6 (full connections)"),
    ("C5", "120 convolutions 5x5 over the 5x5 maps (a 1x1 output)", "Linear(400, 120): the same numbers"),
    ("output", "10 Euclidean RBF units comparing F6's 84 values with fixed 7x12 bitmaps of the digits",
     "Linear(84, 10) logits and cross-entropy"),
    ("input", "32 x 32, the 28 x 28 digit centred with a border", "28 x 28 with padding=2 in conv1"),
)

#: Note 003's LeNet shapes, stage by stage, to set against what PyTorch computes.
NOTE_SHAPES = {"conv1": "6@28x28", "pool1": "6@14x14", "conv2": "16@10x10", "pool2": "6@5x5"}


def drawn_batch(device: torch.device) -> torch.Tensor:
    """The drawn digits 0, 1, 3, 7 as (4, 1, 28, 28), standardised like the training data, on `device`."""
    return standardize(draw_digits().to(device)).unsqueeze(1)  # made on the CPU, moved once


def maps_text(shape: list[int]) -> str:
    """[4, 16, 5, 5] -> '16@5x5', the notation of the LeNet paper and the notes."""
    return f"{shape[1]}@{shape[2]}x{shape[3]}"


def show_lenet(ctx: RunContext, lenet: nn.Module, images: torch.Tensor) -> dict[str, Any]:
    total = ctx.layer_table(lenet, images, "LeNet-5, modern variant: each layer on 4 drawn digits")
    with torch.no_grad():
        outputs = {name: layer_output(lenet, images, name) for name in (*NOTE_SHAPES, "flatten")}
    shapes = {name: list(output.shape) for name, output in outputs.items()}
    rows = [(stage, NOTE_SHAPES[stage], maps_text(shapes[stage]),
             "yes" if NOTE_SHAPES[stage] == maps_text(shapes[stage]) else "NO: pooling keeps every channel")
            for stage in NOTE_SHAPES]
    ctx.table("LeNet's shapes: note 003 against PyTorch", ["stage", "note 003 says", "PyTorch gives", "same"], rows,
              caption="32 -> 28 -> 14 -> 10 -> 5: (32 - 5) + 1 = 28, 28 / 2 = 14, (14 - 5) + 1 = 10, 10 / 2 = 5")
    ctx.table("What the original LeNet-5 (1998) had", ["part", "original LeNet-5", "the modern variant here"],
              list(ORIGINAL_LENET), caption="the same layer sizes; the original has about 60,000 trained parameters")
    formula = sum(count for *_, count in lenet_parameters_by_formula())
    ctx.table("LeNet-5 parameters by formula", ["layer", "formula", "parameters"], lenet_parameters_by_formula(),
              footer=["total", "", formula], caption=f"counted by PyTorch: {total:,}")
    stages = [(name, outputs[name][3].cpu().numpy()) for name in NOTE_SHAPES]  # the drawn 7's maps
    ctx.save_figure(plots.shapes_figure(draw_digits()[3].numpy(), stages), SHAPES_FIGURE,
                    caption="The drawn 7 through the untrained LeNet-5: 6 maps of 28x28, pooled to 14x14, 16 maps of "
                            "10x10, pooled to 5x5. Sixteen maps after the second pooling, not six as note 003 writes.")
    return {"lenet_parameters": total, "lenet_parameters_formula": formula,
            "lenet_pool2_channels": shapes["pool2"][1], "lenet_flatten_features": shapes["flatten"][1]}


def layer_output(model: nn.Sequential, images: torch.Tensor, name: str) -> torch.Tensor:
    """The output of the layer called `name` of a Sequential model, by running the layers up to it."""
    x = images
    for layer_name, layer in model.named_children():
        x = layer(x)
        if layer_name == name:
            return x
    raise KeyError(name)


def show_small_cnn(ctx: RunContext, cnn: nn.Module, images: torch.Tensor) -> dict[str, Any]:
    cnn.eval()  # the layer table's pass must not move BatchNorm's running statistics
    total = ctx.layer_table(cnn, images, "Small modern CNN: each layer on 4 drawn digits")
    cnn.train()
    formula = sum(count for *_, count in small_cnn_parameters_by_formula())
    ctx.table("Small CNN parameters by formula", ["layer", "formula", "parameters"], small_cnn_parameters_by_formula(),
              footer=["total", "", formula],
              caption=f"counted by PyTorch: {total:,}; BatchNorm also keeps running mean and variance (buffers, "
                      f"not parameters: nothing trains them)")
    return {"cnn_parameters": total, "cnn_parameters_formula": formula,
            "cnn_buffers": sum(b.numel() for name, b in cnn.named_buffers() if "running" in name)}


def channel_mismatch_message(device: torch.device) -> str:
    """PyTorch's own error for a batch (64, 28, 28) fed to Conv2d(1, 6, 5): read as one image with 64 channels."""
    conv = nn.Conv2d(1, 6, kernel_size=5, padding=2).to(device)
    try:
        conv(torch.zeros(64, 28, 28, device=device))
    except RuntimeError as error:
        return str(error).strip().splitlines()[0]
    return ""


def show_input_rules(ctx: RunContext, lenet: nn.Module) -> dict[str, Any]:
    """What the zero padding adds after standardising, and what Conv2d does with a batch that lacks its channel."""
    blank = standardize(torch.zeros((), device=ctx.device)).item()  # a background pixel as the network reads it
    with torch.no_grad():
        unbatched = list(lenet.conv1(torch.zeros(1, 28, 28, device=ctx.device)).shape)  # (C, H, W) accepted
    message = channel_mismatch_message(ctx.device)
    ctx.table("What the first convolution is given", ["what", "computed"], [
        ("a background pixel (0) after standardising, (0 - 0.1307) / 0.3081", f"{blank:.4f}"),
        ("what padding=2 (LeNet) and padding=1 (small CNN) add around the standardised digit", "0.0"),
        ("unbatched input (1, 28, 28) through LeNet's conv1 gives", str(unbatched)),
        ("a batch (64, 28, 28) without unsqueeze(1), through Conv2d(1, 6, 5)", message or "no error"),
    ], caption=f"the padding is applied to the standardised digit: its zeros are not background ({blank:.4f}) but a "
               f"frame {-blank:.4f} brighter than the paper; the networks learn with it. A (C, H, W) input is one "
               f"unbatched image (accepted since PyTorch 1.11), so 64 digits without their channel read as one image "
               f"with 64 channels")
    return {"standardised_background": blank, "unbatched_conv1_shape": unbatched,
            "channel_mismatch_error": int(bool(message)),
            "channel_mismatch_names_64_channels": int("but got 64 channels" in message)}


def networks_before_data(ctx: RunContext, lenet: nn.Module, cnn: nn.Module) -> dict[str, Any]:
    """Step 1: both networks' layer tables, LeNet's shapes against the notes, parameters by formula, the input rules."""
    ctx.heading("1. Two CNNs before any data: LeNet-5 (modern variant) and a small modern CNN")
    images = drawn_batch(ctx.device)  # (4, 1, 28, 28)
    metrics = show_lenet(ctx, lenet, images)
    metrics |= show_small_cnn(ctx, cnn, images)
    metrics |= show_input_rules(ctx, lenet)
    return metrics


def show_batch_norm(ctx: RunContext, cnn: nn.Module, images: torch.Tensor) -> dict[str, float]:
    with torch.no_grad():
        features = cnn.conv1(images)  # (4, 16, 28, 28): what bn1 normalises
    numbers = batch_norm_numbers(cnn.bn1, features)
    n = numbers.values_per_channel
    ctx.table("BatchNorm2d(16) on the first convolution's output of 4 drawn digits", ["what", "computed", "max abs difference"], [
        ("train(): output = (x - batch mean) / sqrt(batch var + eps) * gamma + beta", "by hand", numbers.train_vs_batch_formula),
        ("train(): normalised values, mean and std over everything",
         f"{numbers.mean_std_train[0]:.2g}, {numbers.mean_std_train[1]:.4f}", ""),
        ("after that pass: running_mean = 0.9 * 0 + 0.1 * batch mean", "by hand", numbers.running_mean_vs_formula),
        (f"after that pass: running_var = 0.9 * 1 + 0.1 * unbiased batch var (n = {n:,})", "by hand",
         numbers.running_var_vs_formula),
        ("eval(): the same formula with running_mean and running_var", "by hand", numbers.eval_vs_running_formula),
        ("train() output against eval() output, same batch, after 1 pass", "", numbers.train_vs_eval_after_one_pass),
        (f"after {RUNNING_PASSES} passes: running stats vs batch mean and unbiased var", "", numbers.running_vs_batch_after_many),
        (f"train() output against eval() output after {RUNNING_PASSES} passes", "", numbers.train_vs_eval_after_many),
    ], caption=f"statistics per channel over the batch and every position: {n:,} numbers each; the running variance "
               f"is unbiased (divided by n - 1), train() normalises with the biased one (divided by n)")
    return {
        "bn_train_vs_formula_max_abs_diff": numbers.train_vs_batch_formula,
        "bn_running_mean_vs_formula_max_abs_diff": numbers.running_mean_vs_formula,
        "bn_running_var_vs_formula_max_abs_diff": numbers.running_var_vs_formula,
        "bn_eval_vs_formula_max_abs_diff": numbers.eval_vs_running_formula,
        "bn_train_vs_eval_after_one_pass": numbers.train_vs_eval_after_one_pass,
        "bn_running_vs_batch_after_many_passes": numbers.running_vs_batch_after_many,
        "bn_train_vs_eval_after_many_passes": numbers.train_vs_eval_after_many,
    }


def show_dropout(ctx: RunContext, cnn: nn.Module, images: torch.Tensor, p: float) -> dict[str, float]:
    with torch.no_grad():
        features = cnn.conv1(images).flatten().abs()  # (4 * 16 * 28 * 28,), made positive
    values = features[features != 0]  # a zero input cannot show whether it was dropped
    numbers = dropout_numbers(p, values)
    ctx.table(f"nn.Dropout(p={p:g}) on {numbers.values:,} positive numbers (|first convolution's output|)", ["what", "computed"], [
        ("train(): share of the values set to 0 (expected p)", numbers.dropped_fraction),
        (f"train(): max |kept value - x / (1 - p)| / |x / (1 - p)|, 1 / (1 - p) = {1 / (1 - p):.6g}",
         numbers.kept_vs_scaled),
        ("train(): sum of the output / sum of the input (expected about 1)", numbers.sum_ratio),
        ("eval(): output identical to the input", "yes" if numbers.eval_is_identity else "NO"),
    ], caption="dropping a share p and scaling the rest by 1/(1-p) keeps every value's expectation, so eval() "
               "needs no rescaling: it passes the input through")
    return {"dropout_p": p, "dropout_values": numbers.values, "dropout_dropped_fraction": numbers.dropped_fraction,
            "dropout_kept_vs_scaled_max_rel_diff": numbers.kept_vs_scaled, "dropout_sum_ratio": numbers.sum_ratio,
            "dropout_eval_is_identity": int(numbers.eval_is_identity)}


def train_and_eval_modes(ctx: RunContext, cnn: nn.Module) -> dict[str, float]:
    """Step 2: BatchNorm and Dropout in train() and eval() mode, every claim computed."""
    ctx.heading("2. train() and eval(): what BatchNorm and Dropout do in each mode")
    images = drawn_batch(ctx.device)  # (4, 1, 28, 28)
    metrics = show_batch_norm(ctx, cnn, images)
    metrics |= show_dropout(ctx, cnn, images, ctx.params.dropout)
    return metrics

