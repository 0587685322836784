"""LeNet-5 for 32x32 inputs (modern form: ReLU and max pooling), and its sizes worked out by formula."""

from __future__ import annotations

from collections import OrderedDict

from torch import nn

from nnlessons_cnn_shapes.formula import conv_output_size


def build_lenet(num_classes: int = 10) -> nn.Sequential:
    """conv 5x5 (6) -> pool 2 -> conv 5x5 (16) -> pool 2 -> 400 -> 120 -> 84 -> classes."""
    layers = [
        ("conv1", nn.Conv2d(1, 6, kernel_size=5)),  # (B, 6, 28, 28)
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2, 2)),  # (B, 6, 14, 14)
        ("conv2", nn.Conv2d(6, 16, kernel_size=5)),  # (B, 16, 10, 10)
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2, 2)),  # (B, 16, 5, 5)
        ("flatten", nn.Flatten()),  # (B, 400)
        ("fc1", nn.Linear(16 * 5 * 5, 120)),  # (B, 120)
        ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(120, 84)),  # (B, 84)
        ("relu4", nn.ReLU()),
        ("fc3", nn.Linear(84, num_classes)),  # (B, classes)
    ]
    return nn.Sequential(OrderedDict(layers))


def conv_params(in_channels: int, out_channels: int, kernel: int) -> int:
    """Each filter has in_channels * K * K weights and one bias."""
    return out_channels * (in_channels * kernel * kernel + 1)


def linear_params(in_features: int, out_features: int) -> int:
    """Each output has in_features weights and one bias."""
    return out_features * (in_features + 1)


def lenet_stages_by_formula(size: int = 32) -> list[tuple[str, str, int, int]]:
    """(stage, formula, channels, side) for the feature extractor, from the formula alone."""
    conv1 = conv_output_size(size, 5)
    pool1 = conv_output_size(conv1, 2, 0, 2)
    conv2 = conv_output_size(pool1, 5)
    pool2 = conv_output_size(conv2, 2, 0, 2)
    return [
        ("conv1 (6 filters 5x5)", f"({size} - 5) / 1 + 1", 6, conv1),
        ("pool1 (2x2, stride 2)", f"({conv1} - 2) / 2 + 1", 6, pool1),
        ("conv2 (16 filters 5x5)", f"({pool1} - 5) / 1 + 1", 16, conv2),
        ("pool2 (2x2, stride 2)", f"({conv2} - 2) / 2 + 1", 16, pool2),
    ]


def lenet_params_by_formula(num_classes: int = 10) -> list[tuple[str, str, int]]:
    """(layer, formula, count) for every layer with parameters."""
    return [
        ("conv1", "6 * (1*5*5 + 1)", conv_params(1, 6, 5)),
        ("conv2", "16 * (6*5*5 + 1)", conv_params(6, 16, 5)),
        ("fc1", "120 * (400 + 1)", linear_params(400, 120)),
        ("fc2", "84 * (120 + 1)", linear_params(120, 84)),
        ("fc3", f"{num_classes} * (84 + 1)", linear_params(84, num_classes)),
    ]
