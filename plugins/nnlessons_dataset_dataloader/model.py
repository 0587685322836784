"""The small classifier (F -> 6 -> 4 -> 1, a logit out), its training loop over a DataLoader, and accuracy.

The model ends in a Linear layer: its output is a logit (any real number), and BCEWithLogitsLoss
applies the sigmoid inside the loss, the stable way the classification lesson teaches. A sigmoid
is applied only to read a probability, never before the loss.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.utils.data import DataLoader


def build_classifier(n_features: int) -> nn.Sequential:
    """F -> 6 -> 4 -> 1, sigmoid hidden activations, and no sigmoid at the end: the output is the logit of P(label = 1)."""
    return nn.Sequential(
        nn.Linear(n_features, 6), nn.Sigmoid(),  # (B, 6)
        nn.Linear(6, 4), nn.Sigmoid(),  # (B, 4)
        nn.Linear(4, 1),  # (B, 1): a logit, any real number; torch.sigmoid(logit) = P(label = 1)
    )


@dataclass
class TrainingLog:
    """Mean training loss of each epoch and held-out loss / accuracy after it."""

    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)


def train_one_epoch(model: nn.Module, loader: DataLoader, loss_fn: nn.Module, optimizer: torch.optim.Optimizer,
                    device: torch.device) -> float:
    """One pass over the loader, each batch moved to the device; returns the sample-weighted mean loss."""
    model.train()
    total, seen = 0.0, 0
    for features, labels in loader:
        features, labels = features.to(device), labels.to(device)  # (B, F), (B, 1)
        loss = loss_fn(model(features), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * labels.shape[0]
        seen += labels.shape[0]
    return total / seen


@torch.no_grad()
def evaluate(model: nn.Module, features: torch.Tensor, labels: torch.Tensor, loss_fn: nn.Module) -> tuple[float, float]:
    """(loss, accuracy) on tensors already on the device: the loss on the logits, and a probability
    sigmoid(logit) above 0.5 predicts label 1."""
    model.eval()
    logits = model(features)  # (N, 1)
    predicted = (torch.sigmoid(logits) > 0.5).float()  # (N, 1): the sigmoid only to read probabilities
    return loss_fn(logits, labels).item(), (predicted == labels).float().mean().item()


@torch.no_grad()
def logit_loss_check(model: nn.Module, features: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
    """BCEWithLogitsLoss on the logits against BCELoss on sigmoid(logits), the same loss computed two ways;
    the probabilities' range; and BCEWithLogitsLoss fed probabilities, the sigmoid applied twice."""
    model.eval()
    logits = model(features)  # (N, 1)
    probabilities = torch.sigmoid(logits)  # (N, 1), in (0, 1)
    with_logits = nn.BCEWithLogitsLoss()(logits, labels).item()
    of_sigmoid = nn.BCELoss()(probabilities, labels).item()
    squashed_twice = nn.BCEWithLogitsLoss()(probabilities, labels).item()  # the pitfall: a sigmoid before the loss
    return {"bce_with_logits": with_logits, "bce_of_sigmoid": of_sigmoid, "abs_diff": abs(with_logits - of_sigmoid),
            "bce_with_logits_of_sigmoid": squashed_twice,
            "min_sigmoid_twice": torch.sigmoid(probabilities).min().item(),
            "max_sigmoid_twice": torch.sigmoid(probabilities).max().item(),
            "min_logit": logits.min().item(), "max_logit": logits.max().item(),
            "min_probability": probabilities.min().item(), "max_probability": probabilities.max().item(),
            "predict_1_by_probability_vs_logit_disagree": int(((probabilities > 0.5) != (logits > 0)).sum().item())}


def train(model: nn.Module, loader: DataLoader, test: tuple[torch.Tensor, torch.Tensor], epochs: int, lr: float,
          device: torch.device, after_epoch: Callable[[float], None]) -> TrainingLog:
    """Adam on BCEWithLogitsLoss (the model outputs logits) for `epochs` epochs; `after_epoch(loss)` drives the
    progress bar."""
    loss_fn = nn.BCEWithLogitsLoss().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    log = TrainingLog()
    for _ in range(epochs):
        log.train_loss.append(train_one_epoch(model, loader, loss_fn, optimizer, device))
        test_loss, test_accuracy = evaluate(model, *test, loss_fn)
        log.test_loss.append(test_loss)
        log.test_accuracy.append(test_accuracy)
        after_epoch(log.train_loss[-1])
    return log


def majority_accuracy(train_labels: torch.Tensor, test_labels: torch.Tensor) -> float:
    """Accuracy of always answering the training set's most common label: the score to beat."""
    majority = float(train_labels.mean() >= 0.5)
    return (test_labels == majority).float().mean().item()
