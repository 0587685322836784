"""Small measurements a check asks for inside the learner's process, on objects that live there.

A check reaches them with [`compare.in_learners_process`][nnlessons.practice.compare.in_learners_process];
each returns plain values (tensors, dicts), which the check then compares in the judge.
"""

from __future__ import annotations

from typing import Any


def output_gradients(model: Any, inputs: Any, weights: Any) -> dict[str, Any]:
    """Backward of ``sum(model(inputs) * weights)`` from zeroed gradients: each parameter's ``.grad`` (None if none came)."""
    model.zero_grad(set_to_none=True)
    (model(inputs) * weights).sum().backward()
    return {name: (p.grad.detach().clone() if p.grad is not None else None) for name, p in model.named_parameters()}


_safe_globals_before: list[Any] = []


def remember_safe_globals() -> None:
    """Note torch.load's allowlist (``torch.serialization.get_safe_globals()``) as it is now."""
    import torch

    _safe_globals_before[:] = torch.serialization.get_safe_globals()


def safe_globals_added() -> list[str]:
    """``module.Name`` of every class allowed since `remember_safe_globals`; the allowlist is then put back."""
    import torch

    now = torch.serialization.get_safe_globals()
    added = [f"{getattr(g, '__module__', '?')}.{getattr(g, '__qualname__', repr(g))}" for g in now
             if not any(g is b for b in _safe_globals_before)]
    torch.serialization.clear_safe_globals()
    torch.serialization.add_safe_globals(list(_safe_globals_before))
    return added
