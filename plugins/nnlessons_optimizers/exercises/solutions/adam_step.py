"""Adam, one step at a time, exactly as torch.optim.Adam does it (reference solution)."""

import torch


def adam_step(g: torch.Tensor, state: dict, t: int, lr: float = 0.01, beta1: float = 0.9, beta2: float = 0.99,
              eps: float = 1e-8) -> torch.Tensor:
    m = beta1 * state.get("m", torch.zeros_like(g)) + (1 - beta1) * g  # like g: leaky mean of g
    v = beta2 * state.get("v", torch.zeros_like(g)) + (1 - beta2) * g * g  # like g: leaky mean of g^2
    state["m"], state["v"] = m, v  # the raw averages; the corrected ones are for this step only
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return lr * m_hat / (v_hat.sqrt() + eps)
