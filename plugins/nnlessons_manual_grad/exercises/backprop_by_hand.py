"""Backpropagation by hand: the four gradients of the lesson's network, without autograd.

Task
----
For the lesson's network and loss over B rows,

    z = x.mm(weights) + biases          (B, H)   pre-activation
    h = relu(z)                         (B, H)
    p = h.mm(weights2) + biases2        (B, 1)   predictions
    L = mean((p - y) ** 2)              a number

complete `backprop(x, y, weights, biases, weights2, biases2)`: return the gradients of L with
respect to the four tensors, from the chain rule, output first:

    dL/dp        = 2 (p - y) / B                     (B, 1)
    dL/dweights2 = h^T . dL/dp                       (H, 1)
    dL/dbiases2  = dL/dp summed over the rows        (1,)
    dL/dh        = dL/dp . weights2^T                (B, H)
    dL/dz        = dL/dh where z > 0, else 0         (B, H)   relu lets the gradient through where z > 0
    dL/dweights  = x^T . dL/dz                       (F, H)
    dL/dbiases   = dL/dz summed over the rows        (H,)

Shapes
------
- x: (B, F); y: (B, 1) (a column, like the predictions); weights (F, H), biases (H,),
  weights2 (H, 1), biases2 (1,); B, F, H >= 1. None of them requires grad.
- returns: a tuple (d_weights, d_biases, d_weights2, d_biases2), each with the shape and dtype of
  its tensor.

Example
-------
    >>> x = torch.tensor([[1.0, 2.0]]); y = torch.tensor([[3.0]])               # B = 1, F = 2
    >>> weights = torch.tensor([[1.0, -1.0], [0.0, 1.0]]); biases = torch.tensor([0.0, -2.0])   # H = 2
    >>> weights2 = torch.tensor([[2.0], [1.0]]); biases2 = torch.tensor([0.0])
    >>> backprop(x, y, weights, biases, weights2, biases2)
    (tensor([[-4., 0.], [-8., 0.]]), tensor([-4., 0.]), tensor([[-2.], [0.]]), tensor([-2.]))

(z = [1, -1], h = [1, 0], p = 2, dL/dp = 2 (2 - 3) / 1 = -2; the second hidden unit is off, so
its column of d_weights is 0.)

Rules
-----
- Matrix products, sums and comparisons only: `backward()` and `torch.autograd` are switched off
  while your function runs.
- Where z is exactly 0, relu's gradient is 0 in PyTorch: use z > 0.
- The check compares with autograd (`loss.backward()`) at the lesson's sizes (14 -> 128 -> 1, the
  8 rows of its gradient check) and others, with a constant feature, units exactly at z = 0 and a
  batch of one: float64 to 1e-9 relative (plus 1e-9), float32 to 1e-4 (plus 1e-3).
"""

import torch


def backprop(x: torch.Tensor, y: torch.Tensor, weights: torch.Tensor, biases: torch.Tensor,
             weights2: torch.Tensor, biases2: torch.Tensor) -> tuple[torch.Tensor, ...]:
    raise NotImplementedError("forward pass first (keep z and h), then dL/dp = 2 * (p - y) / B and back")
