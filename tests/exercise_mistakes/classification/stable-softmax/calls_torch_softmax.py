# expect: your code called torch.softmax
import torch


def softmax(logits, dim=-1):
    return torch.softmax(logits, dim=dim)
