# expect: called PyTorch's dropout
import torch.nn.functional as F


def dropout(x, p, training, generator):
    return F.dropout(x, p, training)
