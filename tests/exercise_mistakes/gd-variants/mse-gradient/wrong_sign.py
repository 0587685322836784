# expect: sign is flipped
import torch


def mse_gradient(w, x, y):
    return (2 * (y - w * x) * x).mean()
