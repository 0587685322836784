"""The two CNNs of the lesson: LeNet-5 in its modern form, and a small modern CNN; their sizes by formula."""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn


CLASSES = 10
SIDE = 28  # MNIST images are 28 x 28; the original LeNet-5 read them padded to 32 x 32
WIDTHS = (16, 32, 64)  # output channels of the small CNN's three 3x3 convolutions


def lenet5() -> nn.Sequential:
    """LeNet-5, modern variant: ReLU, max pooling, every C3 map reading all 6 S2 maps, a Linear head.

    ``padding=2`` on the first convolution sees each 28 x 28 digit as the 32 x 32 input of the
    original, so the shapes are LeNet's: 32 -> 28 -> 14 -> 10 -> 5, then 16 * 5 * 5 = 400 numbers.
    """
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, 6, kernel_size=5, padding=2)),  # (B, 6, 28, 28)
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),  # (B, 6, 14, 14)
        ("conv2", nn.Conv2d(6, 16, kernel_size=5)),  # (B, 16, 10, 10)
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)),  # (B, 16, 5, 5): 16@5x5, not the notes' 6@5x5
        ("flatten", nn.Flatten()),  # (B, 400)
        ("fc1", nn.Linear(16 * 5 * 5, 120)),  # (B, 120)
        ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(120, 84)),  # (B, 84)
        ("relu4", nn.ReLU()),
        ("fc3", nn.Linear(84, CLASSES)),  # (B, 10) logits
    ]))


def conv_block(index: int, in_channels: int, out_channels: int) -> list[tuple[str, nn.Module]]:
    """3x3 convolution (no bias: BatchNorm's shift replaces it), BatchNorm, ReLU, 2x2 max pooling."""
    return [
        (f"conv{index}", nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False)),
        (f"bn{index}", nn.BatchNorm2d(out_channels)),
        (f"relu{index}", nn.ReLU()),
        (f"pool{index}", nn.MaxPool2d(2)),
    ]


def small_cnn(dropout: float = 0.3) -> nn.Sequential:
    """Three blocks of 3x3 conv + BatchNorm + ReLU + max pool (28 -> 14 -> 7 -> 3), Dropout, one Linear layer."""
    c1, c2, c3 = WIDTHS
    layers = [
        *conv_block(1, 1, c1),  # (B, 16, 14, 14)
        *conv_block(2, c1, c2),  # (B, 32, 7, 7)
        *conv_block(3, c2, c3),  # (B, 64, 3, 3): 7 // 2 = 3, pooling drops the last row and column
        ("flatten", nn.Flatten()),  # (B, 576)
        ("dropout", nn.Dropout(dropout)),
        ("fc", nn.Linear(c3 * 3 * 3, CLASSES)),  # (B, 10) logits
    ]
    return nn.Sequential(OrderedDict(layers))


def build(model: str, seed: int, dropout: float = 0.3) -> nn.Sequential:
    """'lenet' or 'cnn' with PyTorch's default initialisation drawn from `seed` alone, on the CPU.

    Built on the CPU, so the starting weights are the same on every device: move it once with ``.to(device)``.
    """
    with torch.random.fork_rng(devices=[]):  # leave the global random state alone
        torch.random.default_generator.manual_seed(seed)
        return lenet5() if model == "lenet" else small_cnn(dropout)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def conv_params(in_channels: int, out_channels: int, kernel: int, bias: bool = True) -> int:
    """Each filter has in_channels * K * K weights, plus one bias."""
    return out_channels * (in_channels * kernel * kernel + int(bias))


def linear_params(in_features: int, out_features: int) -> int:
    return out_features * (in_features + 1)


def lenet_parameters_by_formula() -> list[tuple[str, str, int]]:
    """(layer, formula, count) for every LeNet-5 layer with parameters."""
    return [
        ("conv1", "6 * (1*5*5 + 1)", conv_params(1, 6, 5)),
        ("conv2", "16 * (6*5*5 + 1)", conv_params(6, 16, 5)),
        ("fc1", "120 * (16*5*5 + 1)", linear_params(400, 120)),
        ("fc2", "84 * (120 + 1)", linear_params(120, 84)),
        ("fc3", "10 * (84 + 1)", linear_params(84, CLASSES)),
    ]


def small_cnn_parameters_by_formula() -> list[tuple[str, str, int]]:
    """(layer, formula, count) for every layer of the small CNN with parameters."""
    c1, c2, c3 = WIDTHS
    return [
        ("conv1", f"{c1} * 1*3*3 (no bias)", conv_params(1, c1, 3, bias=False)),
        ("bn1", f"2 * {c1} (scale gamma, shift beta)", 2 * c1),
        ("conv2", f"{c2} * {c1}*3*3", conv_params(c1, c2, 3, bias=False)),
        ("bn2", f"2 * {c2}", 2 * c2),
        ("conv3", f"{c3} * {c2}*3*3", conv_params(c2, c3, 3, bias=False)),
        ("bn3", f"2 * {c3}", 2 * c3),
        ("fc", f"10 * ({c3}*3*3 + 1)", linear_params(c3 * 9, CLASSES)),
    ]


def first_conv(model: nn.Sequential) -> nn.Conv2d:
    return model.conv1


def receptive_fields(model: nn.Sequential) -> list[tuple[str, int, int]]:
    """(layer, receptive field in input pixels, jump) after every convolution and pooling layer of `model`.

    A unit's receptive field is the square of input pixels that can change it: r grows by (k - 1) * jump at a
    layer with kernel k, and the jump (input pixels between neighbouring units) is multiplied by the stride.
    """
    field, jump, rows = 1, 1, []
    for name, layer in model.named_children():
        if isinstance(layer, (nn.Conv2d, nn.MaxPool2d)):
            kernel = layer.kernel_size if isinstance(layer.kernel_size, int) else layer.kernel_size[0]
            stride = layer.stride if isinstance(layer.stride, int) else layer.stride[0]
            field += (kernel - 1) * jump
            jump *= stride
            rows.append((name, field, jump))
    return rows


def conv_layers(model: nn.Sequential) -> list[tuple[str, nn.Conv2d]]:
    return [(name, layer) for name, layer in model.named_children() if isinstance(layer, nn.Conv2d)]
