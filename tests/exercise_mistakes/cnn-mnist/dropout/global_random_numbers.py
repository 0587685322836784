# expect: the same generator seed gave two different masks
import torch


def dropout(x, p, training, generator):
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, dtype=x.dtype) >= p  # ignores the generator
    return x * keep / (1 - p)
