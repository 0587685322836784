# expect: three fields
import torch


def collate(items):
    features = torch.stack([x for x, _ in items])
    labels = torch.stack([y for _, y in items])
    return features, labels
