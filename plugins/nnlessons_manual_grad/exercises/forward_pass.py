"""The forward pass of the lesson's network, from its four hand-made tensors: 14 -> 128 (relu) -> 1.

Task
----
Complete `forward(x, weights, biases, weights2, biases2)`: the temperature predictions of the
network the lesson trains by hand,

    hidden      = relu(x.mm(weights) + biases)        (B, F) x (F, H) -> (B, H)
    predictions = hidden.mm(weights2) + biases2       (B, H) x (H, 1) -> (B, 1)

with matrix products (`mm` or `@`), the biases added by broadcasting, and ReLU between the
layers (none after the output: a temperature can be any number).

Shapes
------
- x: (B, F) standardised features, B >= 1 rows (days); the lesson has F = 14
- weights: (F, H), biases: (H,), weights2: (H, 1), biases2: (1,); the lesson has H = 128
- returns: (B, 1), same dtype as x. The output must stay connected to autograd (the lesson
  calls `.backward()` on the loss), so no `.detach()`, `.data`, `.item()` or `torch.no_grad()`.

Example
-------
    >>> x = torch.tensor([[1.0, -1.0]])                                      # B = 1, F = 2
    >>> weights = torch.tensor([[1.0, 2.0, -1.0], [0.5, 1.0, 0.0]])          # F = 2, H = 3
    >>> biases = torch.tensor([0.0, 0.5, 0.5])
    >>> weights2 = torch.tensor([[1.0], [2.0], [3.0]]); biases2 = torch.tensor([10.0])
    >>> forward(x, weights, biases, weights2, biases2)     # hidden = relu([0.5, 1.5, -0.5]) = [0.5, 1.5, 0]
    tensor([[13.5000]])

Rules
-----
- `mm` / `@`, `+` and `torch.relu` (or `clamp(min=0)`); no `nn.Linear` or `F.linear` (the check
  switches them off while your function runs).
- The check compares with two `F.linear` layers and `F.relu` (the lesson's nn.Sequential) at the
  lesson's sizes (14 -> 128 -> 1) and others, batches of 1 to 278, float64 to 1e-10 and float32
  to 1e-5 relative (plus 1e-4).
"""

import torch


def forward(x: torch.Tensor, weights: torch.Tensor, biases: torch.Tensor, weights2: torch.Tensor,
            biases2: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("hidden = relu(x.mm(weights) + biases); return hidden.mm(weights2) + biases2")
