# expect: short last batch was skipped
import torch


def one_epoch(w, x, y, lr, batch_size, order):
    x_epoch, y_epoch = x[order], y[order]
    for i in range(len(x) // batch_size):
        x_b = x_epoch[i * batch_size:(i + 1) * batch_size]
        y_b = y_epoch[i * batch_size:(i + 1) * batch_size]
        w = w - lr * (2 * x_b * (w * x_b - y_b)).mean()
    return w
