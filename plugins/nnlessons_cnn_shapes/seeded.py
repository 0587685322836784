"""Draw a model's weights from a seeded CPU generator, so the same seed gives the same layers."""

from __future__ import annotations

import torch
from torch import nn


def init_from_generator(model: nn.Module, generator: torch.Generator) -> nn.Module:
    """Re-draw every Conv2d/Linear weight and bias from `generator` (PyTorch's default ranges).

    PyTorch's default init is uniform in +-1/sqrt(fan_in) for these layers' biases and,
    in effect, for their weights too (kaiming_uniform with a = sqrt(5)). Call this on
    the CPU model, then move the model to its device once.
    """
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                fan_in = module.weight[0].numel()
                bound = fan_in**-0.5
                module.weight.uniform_(-bound, bound, generator=generator)
                if module.bias is not None:
                    module.bias.uniform_(-bound, bound, generator=generator)
    return model
