"""Backpropagation by hand for the lesson's network (reference solution)."""

import torch


def backprop(x: torch.Tensor, y: torch.Tensor, weights: torch.Tensor, biases: torch.Tensor,
             weights2: torch.Tensor, biases2: torch.Tensor) -> tuple[torch.Tensor, ...]:
    z = x.mm(weights) + biases  # (B, H)
    h = torch.relu(z)  # (B, H)
    p = h.mm(weights2) + biases2  # (B, 1)
    d_p = 2 * (p - y) / len(x)  # (B, 1): the loss is a mean over the B rows
    d_weights2 = h.T.mm(d_p)  # (H, 1)
    d_biases2 = d_p.sum(dim=0)  # (1,): the bias is added to every row, so its gradient is the rows' sum
    d_z = d_p.mm(weights2.T) * (z > 0)  # (B, H): relu passes the gradient only where z > 0
    d_weights = x.T.mm(d_z)  # (F, H)
    d_biases = d_z.sum(dim=0)  # (H,)
    return d_weights, d_biases, d_weights2, d_biases2
