# expect: draw is >= p
import torch


def dropout(x, p, training, generator):
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator, dtype=x.dtype) > p
    return x * keep / (1 - p)
