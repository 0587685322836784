# expect: the result is negative
import torch


def epoch_shrink_factor(x, lr, batch_size, order):
    factor = 1.0
    for x_b in x[order].split(batch_size):
        factor = factor * (1 - 2 * lr * (x_b ** 2).mean())
    return factor
