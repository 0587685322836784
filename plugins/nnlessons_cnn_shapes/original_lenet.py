"""LeNet-5 as LeCun et al. published it in 1998, next to the modern variant the lesson builds.

The lesson's network (`lenet.build_lenet`) is the form most courses now call LeNet-5: ReLU, max
pooling, every conv2 filter reading all of pool1's maps, and Linear layers to 10 logits. The
original differs in every one of those places; its trainable parameters are counted here from
the paper's description, so the comparison is computed, not quoted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F
from torch import nn

from nnlessons_cnn_shapes.by_hand import FLOAT32_TOLERANCE, max_abs_diff
from nnlessons_cnn_shapes.lenet import conv_params, linear_params
from nnlessons_cnn_shapes.report import Claim

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext

#: C3's connection table (the paper's Table I): which of S2's 6 maps each of C3's 16 maps reads.
C3_INPUTS = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (0, 4, 5), (0, 1, 5),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (0, 3, 4, 5), (0, 1, 4, 5), (0, 1, 2, 5),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)
RBF_CODE_LENGTH = 84  # each output unit compares F6's 84 values with a fixed code of its class


def c3_params() -> int:
    """Each C3 map has a 5x5 kernel per S2 map it reads, and one bias."""
    return sum(len(inputs) * 5 * 5 + 1 for inputs in C3_INPUTS)


def subsampling_params(maps: int) -> int:
    """S2 and S4: per map, the sum of each 2x2 block times one trainable coefficient, plus one trainable bias."""
    return 2 * maps


def original_layers() -> list[tuple[str, str, int]]:
    """(layer, what the 1998 network has there, its trainable parameters), input 32x32."""
    return [
        ("C1", "6 conv 5x5, then a scaled tanh (a sigmoid-like squashing)", conv_params(1, 6, 5)),
        ("S2", "2x2 sums times a trainable coefficient, plus a bias, then squashing", subsampling_params(6)),
        ("C3", f"16 conv 5x5, each reading 3, 4 or 6 of S2's maps "
               f"({sum(map(len, C3_INPUTS))} of 96 pairs)", c3_params()),
        ("S4", "like S2, on 16 maps", subsampling_params(16)),
        ("C5", "120 conv 5x5 over all 16 maps: 1x1 outputs", conv_params(16, 120, 5)),
        ("F6", "84 units, scaled tanh", linear_params(120, 84)),
        ("output", f"10 Gaussian (RBF) units: distance to a fixed code of {RBF_CODE_LENGTH} values, "
                   "not trained", 0),
    ]


def modern_layers(model: nn.Sequential) -> list[tuple[str, str, int]]:
    """The same rows for the lesson's network, with the parameters PyTorch counts."""
    def count(*names: str) -> int:
        return sum(p.numel() for name in names for p in getattr(model, name).parameters())

    return [
        ("C1", "conv1: 6 conv 5x5, ReLU", count("conv1")),
        ("S2", "pool1: MaxPool2d(2, 2), nothing to learn", count("pool1")),
        ("C3", "conv2: 16 conv 5x5, each reading all 6 maps", count("conv2")),
        ("S4", "pool2: MaxPool2d(2, 2)", count("pool2")),
        ("C5", "flatten + fc1: Linear(400, 120), ReLU", count("fc1")),
        ("F6", "fc2: Linear(120, 84), ReLU", count("fc2")),
        ("output", "fc3: Linear(84, 10), logits for cross-entropy", count("fc3")),
    ]


def pool2_output(model: nn.Sequential, x: torch.Tensor) -> torch.Tensor:
    """The network's 16@5x5 maps for input x: every layer up to and including pool2, (B, 16, 5, 5)."""
    with torch.no_grad():
        for name, layer in model.named_children():
            x = layer(x)
            if name == "pool2":
                return x
    raise ValueError("the network has no layer named pool2")


def c5_as_convolution(model: nn.Sequential, pooled: torch.Tensor) -> float:
    """fc1 on the flattened 16@5x5 maps vs a Conv2d(16, 120, 5) holding fc1's weights: max |difference|.

    On a 5x5 input a 5x5 convolution has one position, so C5 and a Linear layer are the same computation.
    """
    fc1 = model.fc1
    weight = fc1.weight.detach().view(120, 16, 5, 5)  # fc1 reads (channel, row, column) as Flatten lays them out
    with torch.no_grad():
        as_conv = F.conv2d(pooled, weight, fc1.bias)  # (B, 120, 1, 1)
        as_linear = fc1(pooled.flatten(1))  # (B, 120)
    return max_abs_diff(as_conv.flatten(1), as_linear)


def show_original_lenet(ctx: RunContext, model: nn.Sequential, x: torch.Tensor) -> tuple[dict[str, Any], list[Claim]]:
    """Print the 1998 network beside the modern one; check C5 == fc1 on pool2's output for `x`; fc1's share."""
    original, modern = original_layers(), modern_layers(model)
    total_original, total_modern = sum(r[2] for r in original), sum(r[2] for r in modern)
    ctx.table(
        "LeNet-5 as published in 1998, and the modern variant this lesson builds",
        ["layer", "1998", "trainable", "here", "parameters"],
        [(o[0], o[1], o[2], m[1], m[2]) for o, m in zip(original, modern)],
        footer=["total", "", total_original, "", total_modern],
        caption="1998: LeCun, Bottou, Bengio, Haffner, 'Gradient-based learning applied to document recognition'",
    )
    c5_diff = c5_as_convolution(model, pool2_output(model, x))
    fc1 = modern[4][2]
    share = fc1 / total_modern
    ctx.console.print(f"fc1 holds {fc1:,} of the {total_modern:,} parameters ({100 * share:.0f}%): convolutions share "
                      f"their weights across positions, dense layers do not. Read as the 1998 C5 layer, a "
                      f"Conv2d(16, 120, 5) with fc1's weights gives fc1's outputs (max |difference| {c5_diff:.3g}).")
    metrics = {"lenet1998_trainable_params": total_original, "lenet1998_c3_params": c3_params(),
               "lenet_fc1_share": share, "diff_c5_as_conv": c5_diff}
    claims = [
        Claim("LeNet-5 (1998) by its connection table: 60,000 trainable parameters", total_original, "60000",
              total_original == 60_000),
        Claim("C5 as Conv2d(16, 120, 5) == fc1 on the 16@5x5 maps", c5_diff, f"< {FLOAT32_TOLERANCE:g}",
              c5_diff < FLOAT32_TOLERANCE),
    ]
    return metrics, claims
