"""SGD with momentum, one step at a time, exactly as torch.optim.SGD(momentum=...) does it (reference solution)."""

import torch


def momentum_step(g: torch.Tensor, state: dict, lr: float = 0.01, momentum: float = 0.8) -> torch.Tensor:
    velocity = momentum * state.get("v", torch.zeros_like(g)) + g  # like g; v starts at 0
    state["v"] = velocity
    return lr * velocity  # lr enters here, not in v: a schedule may change it between steps
