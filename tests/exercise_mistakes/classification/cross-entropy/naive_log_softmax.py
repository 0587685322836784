# expect: without the max shift
import torch


def cross_entropy(logits, labels):
    exps = logits.exp()
    probabilities = exps / exps.sum(dim=1, keepdim=True)
    return -probabilities.log()[torch.arange(len(labels)), labels].mean()
