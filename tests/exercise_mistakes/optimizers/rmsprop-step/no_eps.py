# expect: eps is missing
import torch


def rmsprop_step(g, state, lr=0.01, alpha=0.9, eps=1e-8):
    E = alpha * state.get("E", torch.zeros_like(g)) + (1 - alpha) * g * g
    state["E"] = E
    return lr * g / E.sqrt()  # eps only matters for tiny E ... or does it?
