"""The 784 -> 256 -> 10 network as an nn.Module: Flatten, Linear, ReLU, Linear, and logits out.

Task
----
Write the class `MnistMLP(hidden=256)`, the lesson's network, from this layer table (B is the
batch size; `hidden` is the constructor's argument, 256 by default):

    attribute      what it does                          output shape      parameters
    -------------  ------------------------------------  ----------------  ------------------------
    (input)        a batch of digits                     (B, 28, 28)
    self.flatten   one row of pixels per digit           (B, 784)          0
    self.hidden    fully connected                       (B, hidden)       784 * hidden + hidden
    self.relu      ReLU                                  (B, hidden)       0
    self.output    fully connected: one score per digit  (B, 10)           hidden * 10 + 10

`forward(images)` runs the rows of the table in order and returns the last one's output: the
logits (raw scores), nothing after them, since CrossEntropyLoss applies log-softmax itself.
The layers with parameters must have these attribute names: the check copies the lesson's
weights into yours by name (hidden.weight, hidden.bias, output.weight, output.bias).

Shapes
------
- images: (B, 28, 28) or (B, 1, 28, 28), float32 or float64, B >= 1
- returns: (B, 10) logits, the dtype of the images
- 203,530 parameters with hidden = 256

Example
-------
    >>> model = MnistMLP()
    >>> model(torch.rand(4, 28, 28)).shape
    torch.Size([4, 10])
    >>> sum(p.numel() for p in model.parameters())
    203530

Rules
-----
- The check builds your module with hidden=256 and hidden=16 and compares the parameter names
  and shapes with the lesson's MnistMLP. Then it copies the lesson's weights into yours and
  compares the logits on random digit-shaped batches (a batch of one, 64 images, the
  (B, 1, 28, 28) shape ImageFolder gives, float64): to 1e-5 in float32 (plus 1e-5 relative),
  1e-12 in float64; and the gradients of a loss with respect to every weight.
"""

import torch
from torch import nn


class MnistMLP(nn.Module):
    def __init__(self, hidden: int = 256) -> None:
        super().__init__()
        raise NotImplementedError("create the layers of the table")

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("write this method")
