"""Softmax by hand, in the stable form (reference solution)."""

import torch


def softmax(logits: torch.Tensor, dim: int = -1) -> torch.Tensor:
    # softmax(z) = softmax(z - c): with c the max along dim every exponent is <= 0, so exp never overflows
    shifted = logits - logits.max(dim=dim, keepdim=True).values  # (N, K), keepdim: c broadcasts over dim
    exps = shifted.exp()  # (N, K), each in (0, 1], the largest exactly 1
    return exps / exps.sum(dim=dim, keepdim=True)  # (N, K), each slice along dim sums to 1
