# expect: changed its input 'w' in place
import torch


def one_epoch(w, x, y, lr, batch_size, order):
    x_e, y_e = x[order], y[order]
    for start in range(0, len(x), batch_size):
        x_b, y_b = x_e[start:start + batch_size], y_e[start:start + batch_size]
        w -= lr * (2 * x_b * (w * x_b - y_b)).mean()
    return w.clone()
