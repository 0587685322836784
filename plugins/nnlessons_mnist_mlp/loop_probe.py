"""A small network and data loaders that record how a training loop uses them (for the train-loop exercise's check).

The check runs a learner's `train` and `evaluate` in their own process, so what it wants to know
about the loop has to be written where it travels back: into the model's buffers. Two things are
recorded:

- `OnLoaderDevice`: the batches a `loader` yields behave like tensors on a device the model is
  not on. Every operation on them fails, with a message that says so, until the loop moves them
  with ``.to(device)``, as a loop on a GPU machine must. Moving a batch notes which loader it came
  from (`moved_from`).
- `RecordingNet`: Flatten, Linear, BatchNorm1d, ReLU, Dropout, Linear: a network whose behaviour
  differs in ``train()`` and ``eval()``. Each forward pass adds one to ``passes[loader, mode,
  autograd]``, so the check can tell whether evaluation ran in ``eval()`` under ``torch.no_grad()``
  and training in ``train()``.

This module must not import the exercises package: its classes are rebuilt in the learner's process.
"""

from __future__ import annotations

import functools
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, default_collate

LOADERS = ("train", "test", "other")  # which loader the batch last moved to the device came from
NOT_MOVED = "this batch is still on the device the DataLoader left it on"
#: what a batch may be asked before it is moved (its size, never its values)
METADATA = frozenset({"shape", "size", "dim", "ndim", "ndimension", "numel", "__len__", "dtype", "device", "is_cuda",
                      "__repr__", "__format__", "requires_grad", "is_floating_point", "_is_view", "layout"})

moved_from = "other"  # the loader of the batch most recently moved with .to(device) (in the learner's process)


class OnLoaderDevice(torch.Tensor):
    """A batch tensor as the loader yields it: `.to(device)` gives a plain tensor; any other use fails."""

    loader = "other"

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        global moved_from
        kwargs = kwargs or {}
        name = torch.overrides.resolve_name(func) or getattr(func, "__name__", "")
        parts = name.split(".")
        short = parts[-2] if parts[-1] in ("__get__", "__set__") else parts[-1]
        with torch._C.DisableTorchFunctionSubclass():
            if short == "to" and args and isinstance(args[0], OnLoaderDevice):
                device = torch._C._nn._parse_to(*args[1:], **kwargs)[0]
                if device is not None:  # .to(device): the batch is on the model's device now
                    moved_from = args[0].loader
                    return torch.Tensor.as_subclass(args[0], torch.Tensor).to(*args[1:], **kwargs)
            elif short in METADATA:
                return func(*args, **kwargs)
        raise RuntimeError(f"Expected all tensors to be on the same device: {NOT_MOVED}. Move every tensor of the "
                           f"batch to the model's device first: images.to(device), labels.to(device).")


def collate_on_loader_device(loader: str, samples: list[Any]) -> list[torch.Tensor]:
    """default_collate, then each tensor marked as not yet on the model's device."""
    batch = default_collate(samples)
    marked = []
    for tensor in batch:
        tensor = tensor.as_subclass(OnLoaderDevice)
        tensor.loader = loader
        marked.append(tensor)
    return marked


def loader(images: torch.Tensor, labels: torch.Tensor, batch_size: int, name: str, shuffle_seed: int | None = None
           ) -> DataLoader:
    """A DataLoader over (images, labels) whose batches must be moved with .to(device); seeded if it shuffles."""
    generator = torch.Generator().manual_seed(0 if shuffle_seed is None else shuffle_seed)
    return DataLoader(TensorDataset(images, labels), batch_size=batch_size, shuffle=shuffle_seed is not None,
                      generator=generator, collate_fn=functools.partial(collate_on_loader_device, name))


class RecordingNet(nn.Module):
    """Flatten, Linear(784, hidden) without bias, BatchNorm1d, ReLU, Dropout, Linear(hidden, 10); it counts its passes.

    ``passes[l, m, g]``: forward passes on batches from loader l (LOADERS), in mode m (0 train, 1 eval),
    with autograd off (g = 0) or on (g = 1).
    """

    def __init__(self, hidden: int = 16, dropout: float = 0.25) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        self.hidden = nn.Linear(28 * 28, hidden, bias=False)  # batch norm right after it would cancel a bias
        self.norm = nn.BatchNorm1d(hidden)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(hidden, 10)
        self.register_buffer("passes", torch.zeros(len(LOADERS), 2, 2, dtype=torch.long))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if not isinstance(images, OnLoaderDevice):
            where = (LOADERS.index(moved_from), 0 if self.training else 1, int(torch.is_grad_enabled()))
            with torch.no_grad():
                self.passes[where] += 1
        features = torch.relu(self.norm(self.hidden(self.flatten(images))))
        return self.output(self.dropout(features))
