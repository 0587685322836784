# expect: velocity from before this step
import torch


def momentum_step(g, state, lr=0.01, momentum=0.8):
    v = state.setdefault("v", torch.zeros_like(g))
    step = lr * v
    v.mul_(momentum).add_(g)
    return step
