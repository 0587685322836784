"""The five optimizers by name: their labels, their settings and the torch.optim object for each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import torch

from nnlessons_optimizers.names import OPTIMIZER_NAMES, parse_names  # noqa: F401  (re-exported)

# PyTorch's default epsilons, which the hand-written rules must use too.
ADAGRAD_EPS = 1e-10
RMSPROP_EPS = 1e-8
ADAM_EPS = 1e-8


@dataclass(frozen=True)
class Settings:
    """Hyper-parameters shared by the race: one learning rate and each method's own constants."""

    lr: float
    momentum: float
    rms_alpha: float
    adam_beta1: float
    adam_beta2: float


def label(name: str, settings: Settings) -> str:
    """Short human name with the constants that matter, e.g. 'Momentum 0.8'."""
    labels = {
        "sgd": "SGD",
        "momentum": f"Momentum {settings.momentum:g}",
        "adagrad": "AdaGrad",
        "rmsprop": f"RMSprop {settings.rms_alpha:g}",
        "adam": f"Adam {settings.adam_beta1:g}/{settings.adam_beta2:g}",
    }
    return labels[name]


def make_torch_optimizer(name: str, params: Iterable[torch.nn.Parameter], settings: Settings) -> torch.optim.Optimizer:
    """The torch.optim object for `name`, with PyTorch's defaults for everything not in `settings`."""
    lr = settings.lr
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=settings.momentum)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=ADAGRAD_EPS)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=settings.rms_alpha, eps=RMSPROP_EPS)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(settings.adam_beta1, settings.adam_beta2), eps=ADAM_EPS)
    raise ValueError(f"unknown optimizer {name!r}")
