# expect: torch.zeros(g.shape) is float32
import torch


def adagrad_step(g, state, lr=0.01, eps=1e-10):
    total = state.setdefault("G", torch.zeros(g.shape))  # float32, whatever g's dtype
    total.add_(g * g)
    return lr * g / (total.sqrt() + eps)
