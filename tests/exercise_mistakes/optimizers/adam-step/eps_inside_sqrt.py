# expect: eps is inside the square root
import torch


def adam_step(g, state, t, lr=0.01, beta1=0.9, beta2=0.99, eps=1e-8):
    m = beta1 * state.get("m", torch.zeros_like(g)) + (1 - beta1) * g
    v = beta2 * state.get("v", torch.zeros_like(g)) + (1 - beta2) * g**2
    state["m"], state["v"] = m, v
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return lr * m_hat / torch.sqrt(v_hat + eps)
