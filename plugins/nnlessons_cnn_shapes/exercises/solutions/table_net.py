"""A small convolutional network built from a table of its layers (reference solution)."""

import torch
from torch import nn


class TableNet(nn.Module):
    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, padding=1)  # 28 + 2 - 3 + 1 = 28: padding 1 keeps the size
        self.conv2 = nn.Conv2d(8, 8, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(8, 16, kernel_size=3)  # 14 - 3 + 1 = 12: no padding
        self.pool = nn.MaxPool2d(2)  # halves height and width; no parameters, so one module serves twice
        self.fc1 = nn.Linear(16 * 6 * 6, 64)  # the flattened (16, 6, 6) maps
        self.fc2 = nn.Linear(64, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.conv1(x))  # (B, 8, 28, 28)
        x = self.pool(torch.relu(self.conv2(x)))  # (B, 8, 14, 14)
        x = self.pool(torch.relu(self.conv3(x)))  # (B, 16, 6, 6)
        x = torch.relu(self.fc1(x.flatten(1)))  # (B, 576) -> (B, 64): flatten all but the batch axis
        return self.fc2(x)  # (B, num_classes): logits, no softmax
