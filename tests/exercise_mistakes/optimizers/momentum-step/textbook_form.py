# expect: folded lr into
import torch


def momentum_step(g, state, lr=0.01, momentum=0.8):
    # u = mu * u - lr * g; w = w + u  (the textbook form), returned as a step to subtract
    u = momentum * state.get("v", torch.zeros_like(g)) - lr * g
    state["v"] = -u
    return -u
