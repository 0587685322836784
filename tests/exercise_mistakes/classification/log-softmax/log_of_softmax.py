# expect: equals log(softmax(z))
import torch


def log_softmax(logits, dim=-1):
    shifted = logits - logits.max(dim=dim, keepdim=True).values
    probabilities = shifted.exp() / shifted.exp().sum(dim=dim, keepdim=True)
    return torch.log(probabilities)
