# expect: there is no state['v']
import torch


def momentum_step(g, state, lr=0.01, momentum=0.8):
    v = state.get("v", torch.zeros_like(g))
    v = momentum * v + g  # a new tensor: the one in the state never changes
    return lr * v
