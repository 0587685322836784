# expect: your code called F.cross_entropy
import torch.nn as nn


def cross_entropy(logits, labels):
    return nn.CrossEntropyLoss()(logits, labels)
