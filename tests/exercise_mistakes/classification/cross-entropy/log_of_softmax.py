# expect: underflows to 0 the loss is inf
import torch


def cross_entropy(logits, labels):
    shifted = logits - logits.max(dim=1, keepdim=True).values
    probabilities = shifted.exp() / shifted.exp().sum(dim=1, keepdim=True)
    return -torch.log(probabilities[torch.arange(len(labels)), labels]).mean()
