"""The lesson's network: Flatten, Linear(784, hidden), ReLU, optional Dropout, Linear(hidden, 10)."""

from __future__ import annotations

import torch
from torch import nn

IMAGE_PIXELS = 28 * 28  # 784 inputs, one per pixel
N_CLASSES = 10  # the digits 0..9


class MLP(nn.Module):
    """A one-hidden-layer network whose capacity is its width; `dropout` > 0 adds a Dropout after the ReLU."""

    def __init__(self, hidden: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        self.hidden = nn.Linear(IMAGE_PIXELS, hidden)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.output = nn.Linear(hidden, N_CLASSES)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        features = self.relu(self.hidden(self.flatten(images)))  # (B, 28, 28) -> (B, 784) -> (B, hidden)
        return self.output(self.dropout(features))  # (B, 10) logits


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
