# expect: ordered by the predicted digit
import torch


def confusion_matrix(predicted, true):
    return torch.bincount(true * 10 + predicted, minlength=100).reshape(10, 10)


def most_confused(confusion, top):
    off = confusion.clone()
    off.fill_diagonal_(0)
    order = sorted(((int(off[t, p]), p, t) for t in range(10) for p in range(10) if off[t, p] > 0), key=lambda c: (-c[0], c[1], c[2]))
    return [(t, p, n) for n, p, t in order[:top]]
