# expect: returned dtype float32
import torch


def mse_gradient(w, x, y):
    return (2 * (w * x - y) * x).mean().float()
