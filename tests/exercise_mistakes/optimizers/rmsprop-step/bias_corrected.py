# expect: no bias correction
import torch


def rmsprop_step(g, state, lr=0.01, alpha=0.9, eps=1e-8):
    state["t"] = state.get("t", 0) + 1
    E = alpha * state.get("E", torch.zeros_like(g)) + (1 - alpha) * g * g
    state["E"] = E
    E_hat = E / (1 - alpha ** state["t"])
    return lr * g / (E_hat.sqrt() + eps)
