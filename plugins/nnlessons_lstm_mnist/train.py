"""Training recipes and the training loop: on-device data, batches by indexing a seeded permutation."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import torch
from torch import nn

from nnlessons.mnist import batches
from nnlessons_lstm_mnist.recipes import Recipe


@contextlib.contextmanager
def cpu_threads(threads: int) -> Iterator[int]:
    """Run the block with `threads` PyTorch CPU threads (0 = leave PyTorch's choice), then restore the old value.

    Yields the number of threads in use.
    """
    before = torch.get_num_threads()
    if threads > 0:
        torch.set_num_threads(threads)
    try:
        yield torch.get_num_threads()
    finally:
        torch.set_num_threads(before)


def make_optimizer(model: nn.Module, recipe: Recipe) -> torch.optim.Optimizer:
    if recipe.optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=recipe.lr)
    if recipe.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=recipe.lr)
    raise ValueError(f"unknown optimizer {recipe.optimizer!r}")


def training_step(
    model: nn.Module, optimizer: torch.optim.Optimizer, images: torch.Tensor, labels: torch.Tensor, clip: float
) -> torch.Tensor:
    """One update on a batch; returns the batch's loss, detached, still on the device (no sync)."""
    loss = nn.functional.cross_entropy(model(images), labels)  # (B, 10) logits vs (B,) labels
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if clip > 0:
        nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return loss.detach()


@torch.no_grad()
def logits_of(model: nn.Module, images: torch.Tensor, chunk: int = 2048) -> torch.Tensor:
    """Logits (N, 10) for images (N, 28, 28) in eval mode, in chunks, without building a graph."""
    was_training = model.training
    model.eval()
    logits = torch.cat([model(images[i : i + chunk]) for i in range(0, len(images), chunk)])
    model.train(was_training)
    return logits


def predict(model: nn.Module, images: torch.Tensor, chunk: int = 2048) -> torch.Tensor:
    """Predicted digits (N,) for images (N, 28, 28)."""
    return logits_of(model, images, chunk).argmax(dim=1)


def accuracy(predictions: torch.Tensor, labels: torch.Tensor) -> float:
    return (predictions == labels).float().mean().item()


def losses_over_steps(
    model: nn.Module, recipe: Recipe, images: torch.Tensor, labels: torch.Tensor, steps: int, generator: torch.Generator
) -> list[float]:
    """Train `model` for `steps` batches of `recipe` (as many epochs as that takes); return each batch's loss."""
    optimizer = make_optimizer(model, recipe)
    losses: list[torch.Tensor] = []
    while len(losses) < steps:
        for index in batches(len(labels), recipe.batch_size, generator, images.device):  # (B,) on the device
            losses.append(training_step(model, optimizer, images[index], labels[index], recipe.clip))
            if len(losses) == steps:
                break
    return torch.stack(losses).cpu().tolist()


@dataclass
class EpochResult:
    """One (possibly partial) epoch: mean train loss, accuracy on the held-out digits `fit` was given, and timings.

    The lesson gives `fit` its validation digits (the test digits are measured once, after training);
    benchmarks/mnist.py gives it its own held-out digits.
    """

    epoch: float  # epochs done so far; fractional when a time budget cut the epoch short
    train_loss: float
    held_out_accuracy: float
    seconds: float  # training time of this epoch (without evaluation)
    elapsed: float  # wall-clock seconds since training started, evaluation included
    batch_losses: list[float] = field(default_factory=list)

    @property
    def test_accuracy(self) -> float:
        """The held-out accuracy under the name benchmarks/mnist.py reads (there the held-out digits are its test)."""
        return self.held_out_accuracy


def train_epoch(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    images: torch.Tensor,
    labels: torch.Tensor,
    recipe: Recipe,
    generator: torch.Generator,
    deadline: float | None = None,
    on_batch: Callable[[], None] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[list[torch.Tensor], float]:
    """One pass over the data in seeded random batches; stops early once `clock()` reaches `deadline`.

    :return: the per-batch losses (device tensors) and the fraction of the epoch done.
    """
    n = len(labels)
    losses: list[torch.Tensor] = []
    seen = 0
    for index in batches(n, recipe.batch_size, generator, images.device):  # (B,) indices on the device
        losses.append(training_step(model, optimizer, images[index], labels[index], recipe.clip))
        seen += len(index)
        if on_batch is not None:
            on_batch()
        if deadline is not None and clock() >= deadline:
            break
    return losses, seen / n


def fit(
    model: nn.Module,
    recipe: Recipe,
    train_data: tuple[torch.Tensor, torch.Tensor],
    held_out: tuple[torch.Tensor, torch.Tensor],
    epochs: int,
    generator: torch.Generator,
    budget_seconds: float | None = None,
    epoch_progress: Callable[[int], AbstractContextManager[Callable[[], None] | None]] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> list[EpochResult]:
    """Train for `epochs` epochs (or until `budget_seconds` of `clock`), measuring `held_out` after each epoch.

    :param held_out: images and labels never trained on; the lesson passes its validation digits.

    :param epoch_progress: given the epoch number, a context manager (a progress bar) around that epoch
        that yields a callback to call after every batch.
    :param clock: read for the timings and the budget: at the start, at each epoch's start and end,
        after every batch while a budget is set, and after each test (a lesson passes ``ctx.clock``;
        tests pass a fake one, so where the budget stops does not depend on the machine's speed).
    """
    optimizer = make_optimizer(model, recipe)
    start = clock()
    deadline = None if budget_seconds is None else start + budget_seconds
    results: list[EpochResult] = []
    done = 0.0
    for epoch in range(1, epochs + 1):
        bar = epoch_progress(epoch) if epoch_progress is not None else contextlib.nullcontext()
        with bar as on_batch:
            epoch_start = clock()
            losses, fraction = train_epoch(model, optimizer, *train_data, recipe, generator, deadline, on_batch, clock)
            batch_losses = torch.stack(losses).cpu().tolist()  # one transfer per epoch; it waits for a GPU's queued steps
            seconds = clock() - epoch_start
        done += fraction
        results.append(
            EpochResult(
                epoch=round(done, 3),
                train_loss=sum(batch_losses) / len(batch_losses),
                held_out_accuracy=accuracy(predict(model, held_out[0]), held_out[1]),
                seconds=seconds,
                elapsed=clock() - start,
                batch_losses=batch_losses,
            )
        )
        if deadline is not None and clock() >= deadline:
            break
    return results


def seconds_to_reach(results: list[EpochResult], target: float) -> float | None:
    """Wall-clock seconds at the first held-out measurement whose accuracy reached `target`, or None."""
    for result in results:
        if result.held_out_accuracy >= target:
            return result.elapsed
    return None
