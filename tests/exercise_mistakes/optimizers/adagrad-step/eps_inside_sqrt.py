# expect: eps is inside the square root
import torch


def adagrad_step(g, state, lr=0.01, eps=1e-10):
    state["G"] = state.get("G", torch.zeros_like(g)) + g**2
    return lr * g / torch.sqrt(state["G"] + eps)
