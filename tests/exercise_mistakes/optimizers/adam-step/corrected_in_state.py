# expect: holds the bias-corrected value
import torch


def adam_step(g, state, t, lr=0.01, beta1=0.9, beta2=0.99, eps=1e-8):
    m = state.setdefault("m", torch.zeros_like(g))
    v = state.setdefault("v", torch.zeros_like(g))
    m.mul_(beta1).add_((1 - beta1) * g)
    v.mul_(beta2).add_((1 - beta2) * g * g)
    m.div_(1 - beta1**t)  # corrects the stored averages in place
    v.div_(1 - beta2**t)
    return lr * m / (v.sqrt() + eps)
