# expect: F.cross_entropy and F.nll_loss are switched off. Your code reached it on line
import torch.nn as nn


def cross_entropy(logits, labels):
    return nn.CrossEntropyLoss()(logits, labels)
