"""The lesson's small modern CNN, written as an nn.Module.

Task
----
Complete `SmallCNN`, the network cnn-mnist trains to more than 98.5 % on MNIST:

    input (B, 1, 28, 28)
    block 1: conv1 Conv2d(1, 16, 3, padding=1, bias=False), bn1 BatchNorm2d(16), ReLU, MaxPool2d(2)  -> (B, 16, 14, 14)
    block 2: conv2 Conv2d(16, 32, 3, padding=1, bias=False), bn2 BatchNorm2d(32), ReLU, MaxPool2d(2) -> (B, 32, 7, 7)
    block 3: conv3 Conv2d(32, 64, 3, padding=1, bias=False), bn3 BatchNorm2d(64), ReLU, MaxPool2d(2) -> (B, 64, 3, 3)
    flatten -> (B, 576), Dropout(dropout), fc Linear(576, 10) -> (B, 10) logits

The convolutions have no bias: BatchNorm subtracts each channel's mean right after them, which
would cancel any bias, and adds its own shift (beta) instead. 29,178 parameters in all.

Shapes
------
- SmallCNN(dropout=0.3): the dropout probability before fc
- forward(images): images (B, 1, 28, 28), float32 or float64 -> logits (B, 10)
- parameter names as in the lesson: conv1.weight, bn1.weight, bn1.bias, ..., fc.weight, fc.bias

Example
-------
    >>> model = SmallCNN()
    >>> model(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    >>> sum(p.numel() for p in model.parameters())
    29178

Rules
-----
- Name the layers with parameters conv1, bn1, conv2, bn2, conv3, bn3 and fc (the check copies
  the lesson's weights into yours by these names).
- Dropout must follow the module's mode: active after model.train(), off after model.eval().
- The check compares your logits with the lesson's network holding the same weights, in eval()
  (a batch of 4, of 1, float64) and in train() with dropout 0 (batch statistics), to 1e-5
  (1e-10 in float64), and runs eval() twice with dropout 0.5: the two answers must be equal.
"""

import torch
from torch import nn


class SmallCNN(nn.Module):
    def __init__(self, dropout: float = 0.3) -> None:
        super().__init__()
        raise NotImplementedError("create conv1, bn1, conv2, bn2, conv3, bn3, a pooling layer, nn.Dropout and fc")

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("three blocks of conv -> bn -> relu -> pool, then flatten, dropout and fc")
