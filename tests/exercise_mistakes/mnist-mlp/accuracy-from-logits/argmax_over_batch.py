# expect: argmax runs over the batch
import torch


def accuracy(logits, labels):
    return (logits.argmax(dim=0) == labels).float().mean().item()
