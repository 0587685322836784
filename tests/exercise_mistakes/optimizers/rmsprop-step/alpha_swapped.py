# expect: swapped
import torch


def rmsprop_step(g, state, lr=0.01, alpha=0.9, eps=1e-8):
    E = (1 - alpha) * state.get("E", torch.zeros_like(g)) + alpha * g * g
    state["E"] = E
    return lr * g / (E.sqrt() + eps)
