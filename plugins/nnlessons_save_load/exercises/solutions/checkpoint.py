"""A training checkpoint: save model, optimizer and epoch, and resume to bit-identical weights (reference solution)."""

from pathlib import Path

import torch
from torch import nn


def save_checkpoint(path: Path, model: nn.Module, optimizer: torch.optim.Optimizer, epoch: int) -> None:
    # state_dicts hold only tensors, numbers and plain containers, so weights_only=True can load them
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path: Path, model: nn.Module, optimizer: torch.optim.Optimizer) -> int:
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])  # copied into the given model's parameters, in place
    optimizer.load_state_dict(checkpoint["optimizer"])  # momentum / Adam's moments and step count
    return checkpoint["epoch"]
