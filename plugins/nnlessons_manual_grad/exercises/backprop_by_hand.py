"""Backpropagation by hand: the four gradients of the lesson's network, without autograd.

Task
----
The lesson's network and loss over B rows (section "The network and the update"):

    z = x W + b,   h = relu(z),   p = h W2 + b2,   L = mean over the B rows of (p - y)^2

with W = `weights`, b = `biases`, W2 = `weights2`, b2 = `biases2`. Complete
`backprop(x, y, weights, biases, weights2, biases2)`: return the gradients of L with respect to
the four tensors, the ones `loss.backward()` would put in their `.grad`, derived with the chain
rule from the output back (the lesson's section "Backpropagation by hand and the gradient
check" goes through it).

Contract
--------
- x: (B, F); y: (B, 1) (a column, like the predictions); weights (F, H), biases (H,),
  weights2 (H, 1), biases2 (1,); B, F, H >= 1; all of one dtype, none requires grad.
- returns: a tuple (d_weights, d_biases, d_weights2, d_biases2), each a new tensor with the
  shape and dtype of its tensor; the inputs are not changed.
- relu's derivative at exactly z = 0 is taken as 0, as PyTorch does.

Example
-------
    >>> x = torch.tensor([[1.0, 2.0]]); y = torch.tensor([[3.0]])               # B = 1, F = 2
    >>> weights = torch.tensor([[1.0, -1.0], [0.0, 1.0]]); biases = torch.tensor([0.0, -2.0])   # H = 2
    >>> weights2 = torch.tensor([[2.0], [-1.0]]); biases2 = torch.tensor([0.0])
    >>> backprop(x, y, weights, biases, weights2, biases2)
    (tensor([[-4.,  0.],
            [-8.,  0.]]), tensor([-4.,  0.]), tensor([[-2.],
            [ 0.]]), tensor([-2.]))
    >>> [tuple(d.shape) for d in backprop(torch.ones(5, 2), torch.ones(5, 1), weights, biases, weights2, biases2)]
    [(2, 2), (2,), (2, 1), (1,)]

Rules
-----
- `backward()` and `torch.autograd` are switched off while your function runs: matrix products,
  sums and comparisons only.
- The check compares with autograd (`loss.backward()`) at the lesson's sizes (14 -> 128 -> 1, the
  8 rows of its gradient check) and others, with a constant feature, units exactly at z = 0 and a
  batch of one: float64 to 1e-9 relative (plus 1e-9), float32 to 1e-4 (plus 1e-3).
"""

import torch


def backprop(x: torch.Tensor, y: torch.Tensor, weights: torch.Tensor, biases: torch.Tensor,
             weights2: torch.Tensor, biases2: torch.Tensor) -> tuple[torch.Tensor, ...]:
    raise NotImplementedError("write this function")
