"""A state_dict is a view of the live weights: kept as is, it changes with every step; a deep copy does not."""

from __future__ import annotations

import copy

import torch
from torch import nn


def largest_difference(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> float:
    """max |a - b| over every tensor of two state dicts with the same keys."""
    return max((a[k].double() - b[k].double()).abs().max().item() for k in a)


def shares_memory(state: dict[str, torch.Tensor], model: nn.Module) -> bool:
    """Whether the state's first weight is stored in the same memory as the model's parameter of that name."""
    name, parameter = next(iter(model.named_parameters()))
    return state[name].untyped_storage().data_ptr() == parameter.untyped_storage().data_ptr()


def after_one_step(model: nn.Module, step) -> dict[str, float | bool]:
    """Keep the state_dict live and as a deep copy, take one optimizer step (`step()`), compare both with the model."""
    live = model.state_dict()  # tensors that ARE the parameters (detached views of the same memory)
    snapshot = copy.deepcopy(model.state_dict())  # new memory, filled with today's values
    step()
    now = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return {
        "live_vs_now": largest_difference(live, now),
        "copy_vs_now": largest_difference(snapshot, now),
        "live_shares_memory": shares_memory(live, model),
        "copy_shares_memory": shares_memory(snapshot, model),
    }
