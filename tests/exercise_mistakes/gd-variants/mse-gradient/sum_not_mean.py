# expect: not the mean
import torch


def mse_gradient(w, x, y):
    return (2 * (w * x - y) * x).sum()
