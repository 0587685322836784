# expect: Python floats become float64
import torch


def collate(items):
    return tuple(torch.stack(group) if isinstance(group[0], torch.Tensor) else torch.tensor(group)
                 for group in zip(*items))
