"""The forward pass of the lesson's network, from its four hand-made tensors: 14 -> 128 (relu) -> 1.

Task
----
Complete `forward(x, weights, biases, weights2, biases2)`: the temperature predictions of the
network the lesson trains by hand (its section "The network and the update"), two layers:

| layer    | what it does                                  | its tensors                  | output |
| -------- | --------------------------------------------- | ---------------------------- | ------ |
| hidden   | matrix product with weights, plus biases, ReLU | weights (F, H), biases (H,)  | (B, H) |
| output   | matrix product with weights2, plus biases2     | weights2 (H, 1), biases2 (1,) | (B, 1) |

The weights are stored (in, out), as the lesson draws them: x is multiplied by them, not by
their transpose. The output layer has no activation (a temperature can be any number).

Contract
--------
- x: (B, F) standardised features, B >= 1 rows (days); the lesson has F = 14 and H = 128
- weights: (F, H), biases: (H,), weights2: (H, 1), biases2: (1,), all of x's dtype
- returns: a new tensor of shape (B, 1), x's dtype; the inputs are not changed
- when the four tensors require grad, the output must stay connected to autograd (the lesson
  calls `.backward()` on the loss): no `.detach()`, `.data`, `.item()` or `torch.no_grad()`

Example
-------
    >>> x = torch.tensor([[1.0, -1.0]])                                      # B = 1, F = 2
    >>> weights = torch.tensor([[1.0, 2.0, -1.0], [0.5, 1.0, 0.0]])          # F = 2, H = 3
    >>> biases = torch.tensor([0.0, 0.5, 0.5])
    >>> weights2 = torch.tensor([[1.0], [2.0], [3.0]]); biases2 = torch.tensor([10.0])
    >>> forward(x, weights, biases, weights2, biases2)
    tensor([[13.5000]])
    >>> forward(torch.zeros(4, 2), weights, biases, weights2, biases2).shape
    torch.Size([4, 1])

Rules
-----
- No `nn.Linear` or `F.linear`: they are switched off while your function runs.
- The check compares with two `F.linear` layers and `F.relu` (the lesson's nn.Sequential) at the
  lesson's sizes (14 -> 128 -> 1) and others, batches of 1 to 278, float64 to 1e-10 and float32
  to 1e-5 relative (plus 1e-4).
"""

import torch


def forward(x: torch.Tensor, weights: torch.Tensor, biases: torch.Tensor, weights2: torch.Tensor,
            biases2: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("write this function")
