# expect: no keepdim
import torch


def accuracy(logits, labels):
    predictions = logits.max(dim=1, keepdim=True).indices  # (B, 1)
    return (predictions == labels).sum().item() / labels.shape[0]
