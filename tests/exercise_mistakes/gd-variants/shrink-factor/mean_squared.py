# expect: mean_b(x) ** 2
import torch


def epoch_shrink_factor(x, lr, batch_size, order):
    factor = 1.0
    for x_b in x[order].split(batch_size):
        factor = factor * abs(1 - 2 * lr * x_b.mean() ** 2)
    return factor
