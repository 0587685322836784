# expect: one factor per sample
import torch


def epoch_shrink_factor(x, lr, batch_size, order):
    factor = 1.0
    for x_i in x:
        factor = factor * abs(1 - 2 * lr * x_i ** 2)
    return factor
