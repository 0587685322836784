"""The 784 -> 256 -> 10 network as an nn.Module: Flatten, Linear, ReLU, Linear, and logits out.

Task
----
Complete the class `MnistMLP(hidden=256)`, the lesson's network:

- `__init__`: create the layers as attributes with the lesson's names (the check copies the
  lesson's weights into yours by these names):

      self.flatten = nn.Flatten()                 # (B, 28, 28) -> (B, 784)
      self.hidden = nn.Linear(784, hidden)
      self.relu = nn.ReLU()
      self.output = nn.Linear(hidden, 10)

- `forward(images)`: flatten, hidden layer, ReLU, output layer. Return the logits (raw
  scores): no softmax at the end, CrossEntropyLoss applies log-softmax itself.

Shapes
------
- images: (B, 28, 28) or (B, 1, 28, 28), float32 or float64, B >= 1
- returns: (B, 10) logits, the dtype of the images
- parameters: hidden.weight (hidden, 784), hidden.bias (hidden,), output.weight (10, hidden),
  output.bias (10,): with hidden = 256, 784*256 + 256 + 256*10 + 10 = 203,530 numbers

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
        raise NotImplementedError("create self.flatten, self.hidden = nn.Linear(784, hidden), self.relu and "
                                  "self.output = nn.Linear(hidden, 10)")

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("flatten, hidden, ReLU, output: return (B, 10) logits")
