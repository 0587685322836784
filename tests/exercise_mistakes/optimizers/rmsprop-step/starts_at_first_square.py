# expect: E started at the first g^2
import torch


def rmsprop_step(g, state, lr=0.01, alpha=0.9, eps=1e-8):
    if "E" not in state:
        state["E"] = g * g
    else:
        state["E"] = alpha * state["E"] + (1 - alpha) * g * g
    return lr * g / (state["E"].sqrt() + eps)
