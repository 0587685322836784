# expect: this is a percentage
import torch


def accuracy(logits, labels):
    return 100.0 * (logits.argmax(dim=1) == labels).sum().item() / len(labels)
