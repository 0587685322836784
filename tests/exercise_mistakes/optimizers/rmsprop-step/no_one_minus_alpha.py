# expect: the (1 - alpha) factor on g^2 is missing
import torch


def rmsprop_step(g, state, lr=0.01, alpha=0.9, eps=1e-8):
    mean_square = alpha * state.get("E", torch.zeros_like(g)) + g * g
    state["E"] = mean_square
    return lr * g / (mean_square.sqrt() + eps)
