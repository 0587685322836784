# expect: too large by c
import torch


def log_softmax(logits, dim=-1):
    c = logits.max(dim=dim, keepdim=True).values
    return logits - torch.log(torch.exp(logits - c).sum(dim=dim, keepdim=True))
