# expect: torch.stack adds a new batch axis
import torch


def collate(items):
    fields = []
    for group in zip(*items):
        if isinstance(group[0], torch.Tensor):
            fields.append(torch.cat(group))
        else:
            fields.append(torch.tensor(group, dtype=torch.float64 if isinstance(group[0], float) else torch.int64))
    return tuple(fields)
