"""Training and testing on the on-device MNIST tensors: Adam, an optional one-cycle schedule, random shifts."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from nnlessons.mnist import MNIST_MEAN, MNIST_STD, batches, standardize
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
    """One epoch: mean training loss, validation accuracy after it, and its training time (measured, not a metric)."""

    epoch: int
    train_loss: float
    val_accuracy: float
    seconds: float
    batch_losses: list[float] = field(default_factory=list)


def model_input(images: torch.Tensor, recipe: Recipe) -> torch.Tensor:
    """Pixels as the recipe feeds them: standardised, or left in [0, 1]; channels-last if the recipe says so."""
    x = standardize(images) if recipe.standardize else images
    return x.contiguous(memory_format=torch.channels_last) if recipe.channels_last else x


def background(recipe: Recipe) -> float:
    """The value a blank (0) pixel has as the network reads it: (0 - 0.1307) / 0.3081 = -0.4242 when standardised."""
    return (0.0 - MNIST_MEAN) / MNIST_STD if recipe.standardize else 0.0


def make_schedule(optimizer: torch.optim.Optimizer, recipe: Recipe, steps: int) -> torch.optim.lr_scheduler.LRScheduler | None:
    """One-cycle: the learning rate climbs to recipe.lr over the first 30 % of the steps, then anneals to ~0."""
    if not recipe.one_cycle:
        return None
    # cycle_momentum (on by default) also moves Adam's beta1 the other way: 0.95 -> 0.85 at the peak -> 0.95
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
                inputs: torch.Tensor, labels: torch.Tensor, recipe: Recipe, generator: torch.Generator,
                on_batch: Callable[[], None]) -> list[torch.Tensor]:
    """One pass in a seeded random order over `inputs`, already as the model reads them (model_input, once per run).

    With recipe.shift every digit moves by a new random shift, the uncovered border filled with background.
    """
    model.train()
    device = labels.device
    shifts = random_shifts(len(labels), recipe.shift, generator, device) if recipe.shift else None  # (N, 2), moved once
    fill = background(recipe)
    losses = []
    start = 0
    for index in batches(len(labels), recipe.batch_size, generator, device):  # (B,) on the device
        images = inputs[index]  # (B, 1, 28, 28)
        if shifts is not None:
            images = shift_images(images, shifts[start : start + len(index)], recipe.shift, fill=fill)
        if recipe.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        losses.append(training_step(model, optimizer, images, labels[index], recipe.clip))
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


def fit(model: nn.Module, recipe: Recipe, train: DigitData, val: DigitData | None, generator: torch.Generator,
        on_batch: Callable[[], None] = lambda: None, on_epoch: Callable[[EpochResult], None] = lambda _: None,
        clock: Callable[[], float] = time.perf_counter) -> list[EpochResult]:
    """Train for recipe.epochs epochs with Adam, measuring validation accuracy after each; `clock` times the training.

    The test digits never come here: they are measured once, after training, by the caller. Without
    validation digits (`val` None: a recipe already chosen, trained on every training digit) the
    validation accuracy is NaN.
    """
    if recipe.channels_last:
        model.to(memory_format=torch.channels_last)  # in place: the caller's model keeps the layout
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe.lr)
    steps_per_epoch = -(-len(train) // recipe.batch_size)
    schedule = make_schedule(optimizer, recipe, recipe.epochs * steps_per_epoch)
    inputs = model_input(train.images, recipe)  # standardised once, not once per step
    results = []
    for epoch in range(1, recipe.epochs + 1):
        start = clock()
        losses = train_epoch(model, optimizer, schedule, inputs, train.labels, recipe, generator, on_batch)
        batch_losses = torch.stack(losses).cpu().tolist()  # one transfer per epoch; waits for a GPU's queued steps
        seconds = clock() - start
        val_accuracy = float("nan") if val is None else accuracy(logits_of(model, val.images, recipe), val.labels)
        result = EpochResult(epoch, sum(batch_losses) / len(batch_losses), val_accuracy, seconds, batch_losses)
        results.append(result)
        on_epoch(result)
    return results


def schedule_trace(lr: float, steps: int) -> dict[str, float]:
    """What OneCycleLR does to Adam over `steps` steps: the learning rate and beta1 at the start, the peak and the end."""
    optimizer = torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    rates, betas = [], []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])
        betas.append(optimizer.param_groups[0]["betas"][0])
        optimizer.step()
        schedule.step()
    peak = max(range(steps), key=rates.__getitem__)
    return {"lr_start": rates[0], "lr_peak": rates[peak], "lr_end": rates[-1], "peak_at": peak / steps,
            "beta1_start": betas[0], "beta1_at_peak": betas[peak], "beta1_end": betas[-1]}
