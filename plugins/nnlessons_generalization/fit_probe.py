"""Data and a network that record how a learner's evaluate / fit use them (for the exercises' checks).

The checks run a learner's code in its own process, so what they want to know about the loop is
written where it travels back: into the model's buffers. Every input row carries one extra last
column, a marker: 0 on training batches, 1 on validation batches. `ProbeNet` reads it, counts the
forward pass in ``passes[marker, mode, autograd]`` and computes on the other columns only:
Linear, BatchNorm1d, ReLU, Dropout, Linear, a network whose output differs in train() and eval()
and whose batch norm statistics change when a batch goes through it in train().

This module must not import the exercises package: its classes are rebuilt in the learner's process.
"""

from __future__ import annotations

import torch
from torch import nn

TRAIN, VALIDATION = 0, 1  # the marker column's values
TRAIN_MODE, EVAL_MODE = 0, 1
NO_GRAD, GRAD = 0, 1


class ProbeNet(nn.Module):
    """Linear(features, hidden) without bias, BatchNorm1d, ReLU, Dropout, Linear(hidden, classes); counts its passes."""

    def __init__(self, features: int = 6, hidden: int = 12, classes: int = 3, dropout: float = 0.3) -> None:
        super().__init__()
        self.hidden = nn.Linear(features, hidden, bias=False)  # batch norm right after it would cancel a bias
        self.norm = nn.BatchNorm1d(hidden)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(hidden, classes)
        self.register_buffer("passes", torch.zeros(2, 2, 2, dtype=torch.long))

    def forward(self, rows: torch.Tensor) -> torch.Tensor:
        marker = int(rows[0, -1].item()) if rows.shape[0] else TRAIN
        where = (marker, TRAIN_MODE if self.training else EVAL_MODE, int(torch.is_grad_enabled()))  # before no_grad below
        with torch.no_grad():
            self.passes[where] += 1
        features = torch.relu(self.norm(self.hidden(rows[:, :-1])))  # (B, hidden)
        return self.output(self.dropout(features))  # (B, classes) logits


def blobs(count: int, features: int, classes: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` points (count, features) around one random centre per class, and their labels (count,)."""
    centres = 0.8 * torch.randn(classes, features, generator=generator)  # (classes, features)
    labels = torch.randint(0, classes, (count,), generator=generator)  # (count,)
    return centres[labels] + torch.randn(count, features, generator=generator), labels


def batched(inputs: torch.Tensor, labels: torch.Tensor, batch_size: int, marker: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """A loader as a list of (rows (B, features + 1), labels (B,)) batches, the marker in the last column."""
    rows = torch.cat([inputs, torch.full((len(inputs), 1), float(marker))], dim=1)
    return [(rows[s : s + batch_size], labels[s : s + batch_size]) for s in range(0, len(labels), batch_size)]
