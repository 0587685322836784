"""What the adam-optimizer check leaves inside the learner's process, beside their optimizer.

The learner's optimizer lives in their process (see the guide, "Where a check runs"), so the
check cannot set ``p.grad`` on its parameters from outside. It registers a `GradientFeed` with
``optimizer.register_step_pre_hook`` instead: torch.optim.Optimizer calls it at the start of
every ``step()``, where it plays ``loss.backward()`` and a learning-rate scheduler, setting the
gradients and learning rates of that step. It also notes whether the previous step changed the
gradients it set (an optimizer must leave ``p.grad`` alone). `LossClosure` is the closure a
check passes to ``step(closure)``.

This module is not part of the exercises package, so the learner's process may import it.
"""

from __future__ import annotations

from typing import Any


class GradientFeed:
    """A step pre-hook: before step k it sets every parameter's ``.grad`` to ``grads[k][i]`` and group j's lr."""

    def __init__(self, grads: list[list[Any]], lrs: list[list[float]] | None) -> None:
        self.grads = grads  # per step, per parameter (in param_groups order): a tensor, or None for no gradient
        self.lrs = lrs  # per step, per group; None leaves the groups' lr alone
        self.calls = 0
        self.changed: list[int] = []  # steps after which a gradient the feed set was no longer the same
        self._given: list[Any] = []

    def __call__(self, optimizer: Any, args: Any, kwargs: Any) -> None:
        params = [p for group in optimizer.param_groups for p in group["params"]]
        if any(given is not None and (p.grad is not None and not bool((p.grad == given).all()))
               for p, given in zip(params, self._given)):
            self.changed.append(self.calls)
        step = min(self.calls, len(self.grads) - 1)
        self._given = [None if g is None else g.clone() for g in self.grads[step]]
        for p, g in zip(params, self.grads[step]):
            p.grad = None if g is None else g.clone()
        if self.lrs is not None:
            for group, lr in zip(optimizer.param_groups, self.lrs[step]):
                group["lr"] = lr
        self.calls += 1


class LossClosure:
    """A closure for ``optimizer.step(closure)``: returns a fixed loss, as a training loop's closure returns its loss."""

    def __init__(self, loss: float) -> None:
        self.loss = loss
        self.called = 0

    def __call__(self) -> Any:
        import torch

        self.called += 1
        return torch.tensor(self.loss)
