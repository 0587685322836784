"""Full-batch training with CrossEntropyLoss and SGD, recording loss and accuracy at every step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn


@dataclass
class TrainingHistory:
    """Loss and training accuracy of the model *before* each update (what that step's gradient saw)."""

    loss: list[float]
    accuracy: list[float]


def accuracy(logits: Tensor, labels: Tensor) -> float:
    """Share of rows whose largest logit is the true class."""
    return (logits.argmax(dim=1) == labels).float().mean().item()


def train(
    model: nn.Module, x: Tensor, y: Tensor, lr: float, steps: int, on_step: Callable[[Tensor], None] | None = None
) -> TrainingHistory:
    """`steps` SGD updates on all points at once (the notes' set-up: no mini-batches).

    :param on_step: called after each update with that step's loss (a 0-d tensor).
    """
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses, accuracies = [], []
    for _ in range(steps):
        logits = model(x)  # (N, 2): raw scores, CrossEntropyLoss applies log-softmax itself
        loss = loss_fn(logits, y)  # y is (N,) int64 class indices, not one-hot
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
        accuracies.append((logits.detach().argmax(dim=1) == y).float().mean())
        if on_step is not None:
            on_step(losses[-1])
    return TrainingHistory(loss=torch.stack(losses).tolist(), accuracy=torch.stack(accuracies).tolist())


def evaluate(model: nn.Module, x: Tensor, y: Tensor) -> tuple[float, float, Tensor]:
    """Loss, accuracy and logits (N, 2) of the model as it is now."""
    with torch.no_grad():
        logits = model(x)  # (N, 2)
        return nn.functional.cross_entropy(logits, y).item(), accuracy(logits, y), logits
