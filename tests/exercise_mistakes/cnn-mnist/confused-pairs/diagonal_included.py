# expect: the diagonal is counted
import torch


def confusion_matrix(predicted, true):
    return torch.bincount(true * 10 + predicted, minlength=100).reshape(10, 10)


def most_confused(confusion, top):
    cells = [(int(confusion[t, p]), t, p) for t in range(10) for p in range(10) if confusion[t, p] > 0]
    cells.sort(key=lambda c: (-c[0], c[1], c[2]))
    return [(t, p, n) for n, t, p in cells[:top]]
