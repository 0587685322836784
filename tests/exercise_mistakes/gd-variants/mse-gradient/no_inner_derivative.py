# expect: inner derivative x_i is missing
import torch


def mse_gradient(w, x, y):
    return (2 * (w * x - y)).mean()
