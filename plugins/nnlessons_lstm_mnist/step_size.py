"""Why the notes' recipe crawls: measure how far one optimizer step moves each weight tensor."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
from torch import nn

from nnlessons_lstm_mnist.recipes import Recipe
from nnlessons_lstm_mnist.train import make_optimizer, training_step


@dataclass
class StepSizes:
    """Per-tensor gradient norm and the norm of the first update each recipe makes, from the same start."""

    names: list[str]
    gradient_norms: list[float]
    steps: dict[str, list[float]]  # recipe label -> ||w_after - w_before|| per tensor

    def total(self, label: str) -> float:
        """Norm of the whole update (all tensors together)."""
        return sum(step**2 for step in self.steps[label]) ** 0.5


def first_step_sizes(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, recipes: dict[str, Recipe]) -> StepSizes:
    """Take one step with each recipe on a copy of `model` (same weights, same batch) and measure the change."""
    names = [name for name, _ in model.named_parameters()]
    probe = copy.deepcopy(model)
    nn.functional.cross_entropy(probe(images), labels).backward()  # (B, 10) logits -> gradients
    gradient_norms = [p.grad.norm().item() for p in probe.parameters()]
    steps: dict[str, list[float]] = {}
    for label, recipe in recipes.items():
        student = copy.deepcopy(model)
        before = [p.detach().clone() for p in student.parameters()]
        training_step(student, make_optimizer(student, recipe), images, labels, recipe.clip)
        steps[label] = [(p.detach() - b).norm().item() for p, b in zip(student.parameters(), before)]
    return StepSizes(names, gradient_norms, steps)
