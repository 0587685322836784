# expect: flipped targets
import torch


def bce_with_logits(logits, targets):
    return (logits.clamp(min=0) - logits * (1 - targets) + torch.log1p(torch.exp(-logits.abs()))).mean()
