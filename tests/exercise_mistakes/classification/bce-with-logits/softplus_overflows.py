# expect: log(1 + exp(z)) overflows
import torch


def bce_with_logits(logits, targets):
    return (torch.log1p(torch.exp(logits)) - logits * targets).mean()
