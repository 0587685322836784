# expect: x[order] and y[order]
import torch


def one_epoch(w, x, y, lr, batch_size, order):
    for start in range(0, len(x), batch_size):
        x_b, y_b = x[start:start + batch_size], y[start:start + batch_size]
        w = w - lr * (2 * x_b * (w * x_b - y_b)).mean()
    return w
