"""Training with a validation pass after every epoch, the best checkpoint kept as a deep copy, and evaluation."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from nnlessons.mnist import batches
from nnlessons.run_context import ProgressTask

EVAL_CHUNK = 2000  # images per forward pass when evaluating: memory stays small for any split size


@dataclass
class TensorData:
    """Images (N, 28, 28) float and labels (N,) int64, already on the device."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def take(self, count: int) -> TensorData:
        return TensorData(self.images[:count], self.labels[:count])


@dataclass
class History:
    """Per epoch: train and validation loss and accuracy (all measured in eval() after the epoch's training)."""

    train_losses: list[float] = field(default_factory=list)
    train_accuracies: list[float] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    val_accuracies: list[float] = field(default_factory=list)

    @property
    def loss_gaps(self) -> list[float]:
        """Validation loss minus training loss, per epoch: the generalisation gap in loss."""
        return [v - t for t, v in zip(self.train_losses, self.val_losses)]

    @property
    def accuracy_gaps(self) -> list[float]:
        return [t - v for t, v in zip(self.train_accuracies, self.val_accuracies)]


@dataclass
class Fitted:
    """A trained model, what it recorded, and the checkpoints an early stop would keep."""

    model: nn.Module
    history: History
    best_epoch: int  # 1-based: the epoch with the lowest validation loss
    best_state: dict[str, torch.Tensor]  # a deep copy of the state_dict at best_epoch
    live_state: dict[str, torch.Tensor]  # model.state_dict() taken at best_epoch WITHOUT a copy: the pitfall
    stop_epoch: int  # where early stopping with the run's patience stops (the last epoch if it never does)
    stop_best_epoch: int  # the best epoch seen by then: the checkpoint early stopping restores
    stop_state: dict[str, torch.Tensor]


@torch.no_grad()
def evaluate(model: nn.Module, data: TensorData) -> tuple[float, float]:
    """Mean cross-entropy per image and accuracy, in eval(); the model's training flag is restored."""
    was_training = model.training
    model.eval()  # dropout off
    total_loss = torch.zeros((), device=data.labels.device)
    correct = torch.zeros((), dtype=torch.long, device=data.labels.device)
    for start in range(0, len(data), EVAL_CHUNK):
        images, labels = data.images[start : start + EVAL_CHUNK], data.labels[start : start + EVAL_CHUNK]
        logits = model(images)  # (C, 10)
        total_loss += F.cross_entropy(logits, labels, reduction="sum")  # summed per image, divided once below
        correct += (logits.argmax(dim=1) == labels).sum()
    model.train(was_training)
    return total_loss.item() / len(data), correct.item() / len(data)


@torch.no_grad()
def correct_per_image(model: nn.Module, data: TensorData) -> torch.Tensor:
    """(N,) bool: which images the model gets right, in eval()."""
    was_training = model.training
    model.eval()
    right = torch.cat([model(data.images[s : s + EVAL_CHUNK]).argmax(dim=1) == data.labels[s : s + EVAL_CHUNK]
                       for s in range(0, len(data), EVAL_CHUNK)])
    model.train(was_training)
    return right


def fit(model: nn.Module, optimizer: torch.optim.Optimizer, train: TensorData, val: TensorData, *, epochs: int,
        batch_size: int, patience: int, generator: torch.Generator, bar: ProgressTask,
        on_epoch: Callable[[int], None] | None = None) -> Fitted:
    """Adam-style training over shuffled mini-batches; after each epoch, train and validation loss in eval().

    The best checkpoint (lowest validation loss) is kept twice: as a deep copy, and as the live
    `model.state_dict()` (the mistake), so the lesson can show the difference. Training runs all
    `epochs` to draw the whole curve; where early stopping with `patience` would stop is recorded.
    """
    history = History()
    best_loss, best_epoch, best_state, live_state = float("inf"), 0, {}, {}
    stop: tuple[int, int, dict] | None = None
    for epoch in range(1, epochs + 1):
        model.train()
        for index in batches(len(train), batch_size, generator, train.labels.device):
            loss = F.cross_entropy(model(train.images[index]), train.labels[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            bar.advance()
        for losses, accuracies, data in ((history.train_losses, history.train_accuracies, train),
                                         (history.val_losses, history.val_accuracies, val)):
            loss_value, accuracy = evaluate(model, data)
            losses.append(loss_value)
            accuracies.append(accuracy)
        if history.val_losses[-1] < best_loss:
            best_loss, best_epoch = history.val_losses[-1], epoch
            best_state = copy.deepcopy(model.state_dict())  # a snapshot: later steps cannot change it
            live_state = model.state_dict()  # the same tensors the optimizer keeps changing
        if stop is None and epoch - best_epoch >= patience:
            stop = (epoch, best_epoch, best_state)
        bar.advance(0, val_loss=history.val_losses[-1])
        if on_epoch is not None:
            on_epoch(epoch)
    stop_epoch, stop_best, stop_state = stop or (epochs, best_epoch, best_state)
    return Fitted(model, history, best_epoch, best_state, live_state, stop_epoch, stop_best, stop_state)
