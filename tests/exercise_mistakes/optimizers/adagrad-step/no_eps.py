# expect: eps is missing
import torch


def adagrad_step(g, state, lr=0.01, eps=1e-10):
    G = state.get("G", torch.zeros_like(g)) + g * g
    state["G"] = G
    return lr * g * torch.rsqrt(G)
