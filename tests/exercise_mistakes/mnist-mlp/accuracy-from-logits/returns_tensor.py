# expect: .item() turns a one-element tensor
import torch


def accuracy(logits, labels):
    return (logits.argmax(dim=1) == labels).float().mean()
