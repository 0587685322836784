"""The five update rules written out by hand, and a check that torch.optim does exactly this.

Each rule gets one parameter's gradient `g`, that parameter's running state (a dict
it may fill) and the step number `t` (1, 2, ...), and returns the step to subtract.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from nnlessons_optimizers.catalogue import ADAGRAD_EPS, ADAM_EPS, RMSPROP_EPS, Settings, label, make_torch_optimizer
from nnlessons_optimizers.model import identical_copies, max_weight_difference

Rule = Callable[[Tensor, dict[str, Tensor], int, Settings], Tensor]


def sgd_step(g: Tensor, state: dict[str, Tensor], t: int, s: Settings) -> Tensor:
    """step = lr * g"""
    return s.lr * g


def momentum_step(g: Tensor, state: dict[str, Tensor], t: int, s: Settings) -> Tensor:
    """v = mu * v + g ;  step = lr * v   (PyTorch's form, v starts at 0)"""
    velocity = s.momentum * state.get("v", torch.zeros_like(g)) + g
    state["v"] = velocity
    return s.lr * velocity


def textbook_momentum_step(g: Tensor, state: dict[str, Tensor], t: int, s: Settings) -> Tensor:
    """u = mu * u - lr * g ;  w = w + u   (the other common form; same weights while lr is fixed)"""
    update = s.momentum * state.get("u", torch.zeros_like(g)) - s.lr * g
    state["u"] = update
    return -update


def adagrad_step(g: Tensor, state: dict[str, Tensor], t: int, s: Settings) -> Tensor:
    """G = G + g^2 ;  step = lr * g / (sqrt(G) + eps)"""
    sum_of_squares = state.get("G", torch.zeros_like(g)) + g * g
    state["G"] = sum_of_squares
    return s.lr * g / (sum_of_squares.sqrt() + ADAGRAD_EPS)


def rmsprop_step(g: Tensor, state: dict[str, Tensor], t: int, s: Settings) -> Tensor:
    """E = alpha * E + (1 - alpha) * g^2 ;  step = lr * g / (sqrt(E) + eps)"""
    mean_square = s.rms_alpha * state.get("E", torch.zeros_like(g)) + (1 - s.rms_alpha) * g * g
    state["E"] = mean_square
    return s.lr * g / (mean_square.sqrt() + RMSPROP_EPS)


def adam_step(g: Tensor, state: dict[str, Tensor], t: int, s: Settings) -> Tensor:
    """m, v = leaky means of g and g^2 ;  step = lr * m_hat / (sqrt(v_hat) + eps), hats = bias-corrected"""
    m = s.adam_beta1 * state.get("m", torch.zeros_like(g)) + (1 - s.adam_beta1) * g
    v = s.adam_beta2 * state.get("v", torch.zeros_like(g)) + (1 - s.adam_beta2) * g * g
    state["m"], state["v"] = m, v
    m_hat = m / (1 - s.adam_beta1**t)
    v_hat = v / (1 - s.adam_beta2**t)
    return s.lr * m_hat / (v_hat.sqrt() + ADAM_EPS)


#: Rules that are written differently from PyTorch but must give the same weights: name -> (optimizer, rule).
ALTERNATIVE_FORMS: dict[str, tuple[str, Rule]] = {"momentum_textbook": ("momentum", textbook_momentum_step)}

#: One line per rule for the terminal; the functions above are the real thing.
RULE_SUMMARIES = {
    "sgd": "w -= lr * g",
    "momentum": "v = mu * v + g;  w -= lr * v",
    "momentum_textbook": "u = mu * u - lr * g;  w += u",
    "adagrad": "G += g^2;  w -= lr * g / (sqrt(G) + eps)",
    "rmsprop": "E = alpha * E + (1 - alpha) * g^2;  w -= lr * g / (sqrt(E) + eps)",
    "adam": "m, v = means of g, g^2;  w -= lr * m_hat / (sqrt(v_hat) + eps)",
}

RULES: dict[str, Rule] = {
    "sgd": sgd_step,
    "momentum": momentum_step,
    "adagrad": adagrad_step,
    "rmsprop": rmsprop_step,
    "adam": adam_step,
}


class HandOptimizer:
    """A minimal optimizer that applies one written-out rule to every parameter."""

    def __init__(self, params: Iterable[nn.Parameter], rule: Rule, settings: Settings) -> None:
        self.params = list(params)
        self.rule = rule
        self.settings = settings
        self.states: list[dict[str, Tensor]] = [{} for _ in self.params]
        self.t = 0

    def zero_grad(self) -> None:
        for param in self.params:
            param.grad = None

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        for param, state in zip(self.params, self.states, strict=True):
            param -= self.rule(param.grad, state, self.t, self.settings)


@dataclass(frozen=True)
class RuleCheck:
    """How far the hand rule and torch.optim drifted apart, next to how far the weights moved."""

    name: str
    steps: int
    max_abs_diff: float
    max_weight_change: float


def compare_with_torch(
    name: str, net: nn.Module, settings: Settings, x: Tensor, y: Tensor, batches: Sequence[Tensor], rule: Rule | None = None
) -> RuleCheck:
    """Train two copies of `net` on the same `batches`: one with torch.optim, one with the hand rule."""
    start, with_torch, by_hand = identical_copies(net, 3)
    torch_optimizer = make_torch_optimizer(name, with_torch.parameters(), settings)
    hand_optimizer = HandOptimizer(by_hand.parameters(), rule or RULES[name], settings)
    loss_fn = nn.MSELoss()
    for indices in batches:  # each (B,)
        for model, optimizer in ((with_torch, torch_optimizer), (by_hand, hand_optimizer)):
            optimizer.zero_grad()
            loss_fn(model(x[indices]), y[indices]).backward()  # (B, 1) vs (B, 1)
            optimizer.step()
    return RuleCheck(
        name=name,
        steps=len(batches),
        max_abs_diff=max_weight_difference([with_torch, by_hand]),
        max_weight_change=max_weight_difference([start, with_torch]),
    )


def rule_checks(
    names: tuple[str, ...], start: nn.Module, settings: Settings, x: Tensor, y: Tensor, batches: tuple[Tensor, ...]
) -> dict[str, RuleCheck]:
    """Each chosen optimizer's hand rule vs torch.optim, plus the alternative forms of chosen optimizers."""
    checks = {name: compare_with_torch(name, start, settings, x, y, batches) for name in names}
    for form, (name, rule) in ALTERNATIVE_FORMS.items():
        if name in names:
            checks[form] = compare_with_torch(name, start, settings, x, y, batches, rule=rule)
    return checks


def rule_label(key: str, settings: Settings) -> str:
    """An optimizer's label, or '<label>, textbook form' for an alternative form."""
    if key in ALTERNATIVE_FORMS:
        return f"{label(ALTERNATIVE_FORMS[key][0], settings)}, textbook form"
    return label(key, settings)
