# expect: w was not carried from batch to batch
import torch


def one_epoch(w, x, y, lr, batch_size, order):
    x_epoch, y_epoch = x[order], y[order]
    new_w = w
    for start in range(0, len(x), batch_size):
        x_b, y_b = x_epoch[start:start + batch_size], y_epoch[start:start + batch_size]
        new_w = w - lr * (2 * x_b * (w * x_b - y_b)).mean()
    return new_w
