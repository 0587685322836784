# expect: efficient
import math

import torch


def adam_step(g, state, t, lr=0.01, beta1=0.9, beta2=0.99, eps=1e-8):
    # Algorithm 1 of the Adam paper, "more efficient" ordering: fold both corrections into the step size
    m = beta1 * state.get("m", torch.zeros_like(g)) + (1 - beta1) * g
    v = beta2 * state.get("v", torch.zeros_like(g)) + (1 - beta2) * g * g
    state["m"], state["v"] = m, v
    step_size = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
    return step_size * m / (v.sqrt() + eps)
