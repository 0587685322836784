# expect: labels are (B,), not (B, 1)
import torch


def collate(items):
    fields = []
    for group in zip(*items):
        if isinstance(group[0], torch.Tensor) and group[0].numel() == 1:
            fields.append(torch.tensor([value.item() for value in group]))  # labels, as plain numbers
        elif isinstance(group[0], torch.Tensor):
            fields.append(torch.stack(group))
        else:
            fields.append(torch.tensor(group, dtype=torch.float64 if isinstance(group[0], float) else torch.int64))
    return tuple(fields)
