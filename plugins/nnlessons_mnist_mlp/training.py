"""The five-step training loop over on-device tensors, evaluated on the validation digits after each epoch.

The test digits are not seen here: the lesson measures them once, after training (step 8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from nnlessons.mnist import batches
from nnlessons.run_context import ProgressTask

LossFunction = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass
class TensorData:
    """Images (N, 28, 28) float and labels (N,) int64, already on the device."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return int(self.labels.shape[0])


@dataclass
class History:
    """What training recorded: one loss per step, validation loss and accuracy after each epoch."""

    steps_per_epoch: int
    step_losses: list[float] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    val_accuracies: list[float] = field(default_factory=list)


def training_step(
    model: nn.Module, loss_fn: LossFunction, optimizer: torch.optim.Optimizer, images: torch.Tensor, labels: torch.Tensor
) -> torch.Tensor:
    """The five steps every PyTorch training loop repeats; returns the batch loss (detached)."""
    outputs = model(images)  # 1. forward: (B, 28, 28) -> (B, 10)
    loss = loss_fn(outputs, labels)  # 2. loss: one number for the batch
    loss.backward()  # 3. backward: d loss / d parameter, added into each .grad
    optimizer.step()  # 4. step: the optimizer (Adam here) moves every parameter using its .grad
    optimizer.zero_grad()  # 5. zero: else the next backward would add to these gradients
    return loss.detach()


@torch.no_grad()
def evaluate(model: nn.Module, data: TensorData, loss_fn: LossFunction, chunk: int = 2000) -> tuple[float, float]:
    """Mean loss and accuracy over `data`, in chunks so memory stays small; argmax of the outputs is the prediction."""
    model.eval()
    total_loss = torch.zeros((), device=data.labels.device)
    correct = torch.zeros((), dtype=torch.long, device=data.labels.device)
    for start in range(0, len(data), chunk):
        images, labels = data.images[start : start + chunk], data.labels[start : start + chunk]
        outputs = model(images)  # (C, 10)
        total_loss += loss_fn(outputs, labels) * labels.shape[0]
        correct += (outputs.argmax(dim=1) == labels).sum()
    model.train()
    return total_loss.item() / len(data), correct.item() / len(data)


def train(
    model: nn.Module,
    loss_fn: LossFunction,
    train_data: TensorData,
    val_data: TensorData,
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    generator: torch.Generator,
    bar: ProgressTask,
    optimizer: str = "adam",
    max_steps: int | None = None,
) -> History:
    """Adam (or plain SGD) over shuffled mini-batches taken by indexing the on-device tensors; the validation
    digits after each epoch. `max_steps` stops early, inside an epoch; the validation is then measured there."""
    make = torch.optim.Adam if optimizer == "adam" else torch.optim.SGD
    opt = make(model.parameters(), lr=lr)
    steps_per_epoch = -(-len(train_data) // batch_size)  # ceil(N / B)
    history = History(steps_per_epoch)
    model.train()
    for _ in range(epochs):
        epoch_losses = []
        for index in batches(len(train_data), batch_size, generator, train_data.labels.device):
            loss = training_step(model, loss_fn, opt, train_data.images[index], train_data.labels[index])
            epoch_losses.append(loss)  # stays on the device: no sync per step
            bar.advance()
            if max_steps is not None and len(history.step_losses) + len(epoch_losses) >= max_steps:
                break
        history.step_losses += torch.stack(epoch_losses).tolist()
        val_loss, val_accuracy = evaluate(model, val_data, loss_fn)
        history.val_losses.append(val_loss)
        history.val_accuracies.append(val_accuracy)
        bar.advance(0, loss=history.step_losses[-1], val_accuracy=val_accuracy)
        if max_steps is not None and len(history.step_losses) >= max_steps:
            break
    return history
