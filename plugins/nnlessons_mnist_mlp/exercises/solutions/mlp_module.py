"""The 784 -> 256 -> 10 network as an nn.Module (reference solution)."""

import torch
from torch import nn


class MnistMLP(nn.Module):
    def __init__(self, hidden: int = 256) -> None:
        super().__init__()
        self.flatten = nn.Flatten()  # keeps the batch axis: (B, 28, 28) -> (B, 784)
        self.hidden = nn.Linear(28 * 28, hidden)  # one weight per pixel for each hidden unit
        self.relu = nn.ReLU()
        self.output = nn.Linear(hidden, 10)  # one score per digit

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        pixels = self.flatten(images)  # (B, 784)
        features = self.relu(self.hidden(pixels))  # (B, hidden)
        return self.output(features)  # (B, 10) logits: the loss applies log-softmax itself
