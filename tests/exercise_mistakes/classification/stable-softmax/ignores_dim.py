# expect: not along dim=0
import torch


def softmax(logits, dim=-1):
    shifted = logits - logits.max(dim=-1, keepdim=True).values
    exps = shifted.exp()
    return exps / exps.sum(dim=-1, keepdim=True)
