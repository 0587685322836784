# expect: exp(-z) overflows
import torch


def bce_with_logits(logits, targets):
    return (torch.clamp(logits, min=0) - logits * targets + torch.log1p(torch.exp(-logits))).mean()
