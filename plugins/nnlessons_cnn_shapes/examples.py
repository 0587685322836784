"""The worked examples' numbers: note 002's 5x5 input and kernel, and a small RGB image with one filter."""

from __future__ import annotations

import torch
from torch import nn

#: Note 002's 5x5 single-channel input.
NOTE002_INPUT = [
    [3, 3, 2, 1, 0],
    [2, 3, 2, 1, 0],
    [3, 3, 2, 1, 0],
    [4, 3, 2, 1, 0],
    [1, 3, 2, 1, 0],
]

#: Note 002's fixed 3x3 kernel (used without bias).
NOTE002_KERNEL = [
    [0, 1, 2],
    [2, 2, 0],
    [0, 1, 2],
]

#: A 5x5 RGB image (channel, row, column), values 0..2. With one ring of zero padding it is the
#: 7x7x3 volume of note 000; its top-left window gives the note's channel sums R 0, G 2, B 0.
RGB_IMAGE = [
    [[1, 0, 2, 2, 0], [2, 1, 0, 1, 2], [0, 2, 1, 0, 1], [1, 0, 2, 2, 0], [2, 1, 0, 1, 1]],  # R
    [[2, 1, 0, 2, 1], [0, 1, 2, 0, 2], [1, 0, 2, 1, 0], [2, 2, 0, 1, 1], [0, 1, 1, 2, 0]],  # G
    [[0, 2, 1, 0, 2], [1, 1, 0, 2, 1], [2, 0, 1, 1, 0], [0, 1, 2, 0, 2], [1, 2, 0, 1, 1]],  # B
]

#: One 3x3x3 filter (channel, row, column), values -1..1, and its bias (note 000: b0 = 1).
RGB_FILTER = [
    [[0, 1, -1], [1, 1, -1], [-1, 0, -1]],  # R
    [[1, 0, 0], [-1, 1, 0], [0, 1, 0]],  # G
    [[-1, 1, 0], [0, -1, 0], [1, 1, -1]],  # B
]
RGB_BIAS = 1.0

CHANNEL_NAMES = ("R", "G", "B")


def as_tensor(values: list, device: torch.device) -> torch.Tensor:
    """Nested lists of numbers as a float32 tensor on `device`."""
    return torch.tensor(values, dtype=torch.float32).to(device)


def note002_input(device: torch.device) -> torch.Tensor:
    """(1, 1, 5, 5): batch and channel axes added in front of the 5x5 grid."""
    return as_tensor(NOTE002_INPUT, device).view(1, 1, 5, 5)


def note002_kernel(device: torch.device) -> torch.Tensor:
    """(1, 1, 3, 3): one filter with one input channel, the shape Conv2d(1, 1, 3) expects."""
    return as_tensor(NOTE002_KERNEL, device).view(1, 1, 3, 3)


def rgb_image_padded_hwc(device: torch.device) -> torch.Tensor:
    """(7, 7, 3): the 5x5 RGB image with a zero border, stored height x width x channels as the note writes it."""
    chw = nn.functional.pad(as_tensor(RGB_IMAGE, device), (1, 1, 1, 1))  # (3, 7, 7)
    return chw.permute(1, 2, 0).contiguous()  # (7, 7, 3)


def try_note002_weight_line(device: torch.device) -> str | None:
    """Run note 002's weight assignment as written; return PyTorch's error message, or None if it worked.

    The note assigns an int64 tensor of shape (1, 3, 3) to ``conv1.weight.data``.
    """
    layer = nn.Conv2d(1, 1, kernel_size=3, bias=False).to(device)
    try:
        layer.weight.data = torch.tensor([NOTE002_KERNEL], device=device)  # int64, (1, 3, 3)
        layer(torch.zeros(1, 1, 5, 5, device=device))
    except RuntimeError as error:
        return str(error).splitlines()[0]
    return None
