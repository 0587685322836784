"""One optimizer step, computed twice: L2 through Adam's weight_decay against AdamW's decoupled decay.

Both optimizers get the same weights and the same gradient. On Adam's first step the moment
estimates are m = g and v = g^2 after bias correction, so the update of every weight is
``-lr * g / (|g| + eps)``. Adam's weight_decay adds ``lambda * w`` to g *before* that division;
AdamW multiplies w by ``1 - lr * lambda`` and then takes the plain Adam step with g.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

EPS = 1e-8  # Adam's default eps, used by both optimizers and by the formulas


@dataclass
class DecayStep:
    weights: torch.Tensor  # (N,) every parameter before the step, flattened
    gradients: torch.Tensor  # (N,)
    adam_l2: torch.Tensor  # (N,) the change torch.optim.Adam(weight_decay=lambda) made
    adamw: torch.Tensor  # (N,) the change torch.optim.AdamW(weight_decay=lambda) made
    adam_l2_formula_diff: float  # max |torch - formula|
    adamw_formula_diff: float
    tolerance: float  # float32 rounding: a change read off weights of size |w| is known to about |w| * 2^-23


def tolerance(weights: torch.Tensor, lr: float) -> float:
    """Two float32 units in the last place of the largest weight, plus float32 rounding of a step of size lr."""
    return 2 * weights.abs().max().item() * 2.0**-23 + lr * 1e-5


def flat(tensors: list[torch.Tensor]) -> torch.Tensor:
    return torch.cat([t.detach().reshape(-1) for t in tensors])


def one_step(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, lr: float, weight_decay: float) -> DecayStep:
    """Copies of `model` step once with each optimizer on the same batch; the changes and the formulas' checks."""
    changes = {}
    for name, make in (("adam_l2", torch.optim.Adam), ("adamw", torch.optim.AdamW)):
        twin = copy.deepcopy(model)
        optimizer = make(twin.parameters(), lr=lr, weight_decay=weight_decay, eps=EPS)
        before = flat(list(twin.parameters()))
        F.cross_entropy(twin(images), labels).backward()
        gradients = flat([p.grad for p in twin.parameters()])
        optimizer.step()
        changes[name] = flat(list(twin.parameters())) - before
    w, g = before.double(), gradients.double()  # the formulas in float64, against torch's float32 steps
    # L2: the decay term joins the gradient (added in float32 as Adam does: g and lambda w can nearly cancel) ...
    l2_gradient = torch.add(gradients, before, alpha=weight_decay).double()
    by_formula_l2 = -lr * l2_gradient / (l2_gradient.abs() + EPS)  # ... and is divided by its size with it
    by_formula_w = -lr * weight_decay * w - lr * g / (g.abs() + EPS)  # decoupled: a plain shrink, then plain Adam
    return DecayStep(before, gradients, changes["adam_l2"], changes["adamw"],
                     (changes["adam_l2"].double() - by_formula_l2).abs().max().item(),
                     (changes["adamw"].double() - by_formula_w).abs().max().item(), tolerance(before, lr))
