"""Why gradients are zeroed: ``backward()`` adds into ``.grad``, it does not overwrite it."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from nnlessons_manual_grad.by_hand import HandNet, forward, gradient_step, mse


@dataclass
class TwoSteps:
    """The gradients of two consecutive steps, per tensor name.

    :ivar first: the gradient at the start (step 1).
    :ivar second_zeroed: step 2's gradient when .grad was zeroed after step 1: the true gradient there.
    :ivar second_not_zeroed: what .grad holds at step 2 when it was not zeroed.
    """

    first: dict[str, torch.Tensor]
    second_zeroed: dict[str, torch.Tensor]
    second_not_zeroed: dict[str, torch.Tensor]

    def accumulation_error(self) -> float:
        """max |not-zeroed - (first + second)| over every entry: 0 up to round-off if .grad is a running sum."""
        return max(
            (self.second_not_zeroed[name] - (self.first[name] + self.second_zeroed[name])).abs().max().item()
            for name in self.first
        )


def gradients(net: HandNet) -> dict[str, torch.Tensor]:
    """A copy of every tensor's current .grad."""
    return {name: t.grad.detach().clone() for name, t in net.tensors().items()}


Gradients = dict[str, torch.Tensor]


def step_twice(start: HandNet, x: torch.Tensor, y: torch.Tensor, lr: float, zero_grad: bool) -> tuple[Gradients, Gradients]:
    """Two training steps from a copy of `start`; the .grad contents seen at step 1 and at step 2."""
    net = start.copy()
    mse(forward(net, x), y).backward()
    first = gradients(net)
    gradient_step(net, lr, zero_grad)
    mse(forward(net, x), y).backward()
    return first, gradients(net)


def compare_zeroing(start: HandNet, x: torch.Tensor, y: torch.Tensor, lr: float) -> TwoSteps:
    """The same two steps from the same start, once zeroing after step 1 and once not."""
    first, second_zeroed = step_twice(start, x, y, lr, zero_grad=True)
    _, second_not_zeroed = step_twice(start, x, y, lr, zero_grad=False)  # step 1 is the same in both
    return TwoSteps(first=first, second_zeroed=second_zeroed, second_not_zeroed=second_not_zeroed)
