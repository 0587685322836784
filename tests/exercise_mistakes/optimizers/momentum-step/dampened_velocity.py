# expect: leaky average
import torch


def momentum_step(g, state, lr=0.01, momentum=0.8):
    v = momentum * state.get("v", torch.zeros_like(g)) + (1 - momentum) * g
    state["v"] = v
    return lr * v
