"""Training and testing on the on-device MNIST tensors: Adam, an optional one-cycle schedule, random shifts."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from nnlessons.mnist import batches, standardize
from nnlessons_cnn_mnist.augment import random_shifts, shift_images
from nnlessons_cnn_mnist.recipes import Recipe


@dataclass
class DigitData:
    """Images (N, 1, 28, 28) float32 in [0, 1] and labels (N,) int64, both already on the device."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return int(self.labels.shape[0])


@dataclass
class EpochResult:
    """One epoch: mean training loss, test accuracy after it, and its training time (measured, not a metric)."""

    epoch: int
    train_loss: float
    test_accuracy: float
    seconds: float
    batch_losses: list[float] = field(default_factory=list)


def model_input(images: torch.Tensor, recipe: Recipe) -> torch.Tensor:
    """Pixels as the recipe feeds them: standardised, or left in [0, 1]."""
    return standardize(images) if recipe.standardize else images


def make_schedule(optimizer: torch.optim.Optimizer, recipe: Recipe, steps: int) -> torch.optim.lr_scheduler.LRScheduler | None:
    """One-cycle: the learning rate climbs to recipe.lr over the first 30 % of the steps, then anneals to ~0."""
    if not recipe.one_cycle:
        return None
    return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=recipe.lr, total_steps=steps)


def training_step(model: nn.Module, optimizer: torch.optim.Optimizer, images: torch.Tensor, labels: torch.Tensor,
                  clip: float) -> torch.Tensor:
    """Forward, loss, backward, (clip), step; returns the batch loss, detached, still on the device (no sync)."""
    loss = nn.functional.cross_entropy(model(images), labels)  # (B, 10) logits vs (B,) digits
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if clip > 0:
        nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return loss.detach()


def train_epoch(model: nn.Module, optimizer: torch.optim.Optimizer, schedule: torch.optim.lr_scheduler.LRScheduler | None,
                data: DigitData, recipe: Recipe, generator: torch.Generator, on_batch: Callable[[], None]) -> list[torch.Tensor]:
    """One pass in a seeded random order; with recipe.shift every digit moves by a new random shift."""
    model.train()
    device = data.labels.device
    shifts = random_shifts(len(data), recipe.shift, generator, device) if recipe.shift else None  # (N, 2), moved once
    losses = []
    start = 0
    for index in batches(len(data), recipe.batch_size, generator, device):  # (B,) on the device
        images = data.images[index]  # (B, 1, 28, 28)
        if shifts is not None:
            images = shift_images(images, shifts[start : start + len(index)], recipe.shift, fill=0.0)
        losses.append(training_step(model, optimizer, model_input(images, recipe), data.labels[index], recipe.clip))
        if schedule is not None:
            schedule.step()
        start += len(index)
        on_batch()
    return losses


@torch.no_grad()
def logits_of(model: nn.Module, images: torch.Tensor, recipe: Recipe, chunk: int = 1000) -> torch.Tensor:
    """Logits (N, 10) in eval mode (BatchNorm's running statistics, no dropout), in chunks, no graph."""
    was_training = model.training
    model.eval()
    logits = torch.cat([model(model_input(images[i : i + chunk], recipe)) for i in range(0, len(images), chunk)])
    model.train(was_training)
    return logits


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return (logits.argmax(dim=1) == labels).float().mean().item()


def fit(model: nn.Module, recipe: Recipe, train: DigitData, test: DigitData, generator: torch.Generator,
        on_batch: Callable[[], None] = lambda: None, on_epoch: Callable[[EpochResult], None] = lambda _: None,
        clock: Callable[[], float] = time.perf_counter) -> list[EpochResult]:
    """Train for recipe.epochs epochs with Adam, testing after each; `clock` times each epoch's training."""
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe.lr)
    steps_per_epoch = -(-len(train) // recipe.batch_size)
    schedule = make_schedule(optimizer, recipe, recipe.epochs * steps_per_epoch)
    results = []
    for epoch in range(1, recipe.epochs + 1):
        start = clock()
        losses = train_epoch(model, optimizer, schedule, train, recipe, generator, on_batch)
        batch_losses = torch.stack(losses).cpu().tolist()  # one transfer per epoch; waits for a GPU's queued steps
        seconds = clock() - start
        result = EpochResult(epoch, sum(batch_losses) / len(batch_losses),
                             accuracy(logits_of(model, test.images, recipe), test.labels), seconds, batch_losses)
        results.append(result)
        on_epoch(result)
    return results
