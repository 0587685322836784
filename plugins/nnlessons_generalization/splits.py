"""Three splits from MNIST's training file (train, validation, fresh) with one seeded permutation, and the test file.

The fresh digits are held out of everything: no model trains on them and no choice looks at them.
They exist so the lesson can measure, on digits nobody saw, what choosing a setting by the test
accuracy costs. The test digits come from MNIST's own test file.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from nnlessons.mnist import MnistSplit

PARTS = ("train", "validation", "fresh")


@dataclass
class Splits:
    """The four sets on the CPU as loaded (uint8 images), and where each of the first three came from."""

    train: MnistSplit
    validation: MnistSplit
    fresh: MnistSplit
    test: MnistSplit
    train_indices: torch.Tensor  # (N_train,) positions in MNIST's training file
    validation_indices: torch.Tensor
    fresh_indices: torch.Tensor

    def named(self) -> list[tuple[str, MnistSplit]]:
        return [("train", self.train), ("validation", self.validation), ("fresh", self.fresh), ("test", self.test)]


def fitted_sizes(wanted: tuple[int, int, int], available: int) -> tuple[int, int, int]:
    """`wanted` (train, validation, fresh) if they fit in `available` images, else scaled down to fit, each >= 1."""
    if sum(wanted) <= available:
        return wanted
    scaled = [max(1, int(w * available / sum(wanted))) for w in wanted]
    while sum(scaled) > available:  # only when some parts were raised to 1
        scaled[scaled.index(max(scaled))] -= 1
    return tuple(scaled)  # type: ignore[return-value]


def split_training_file(train_file: MnistSplit, sizes: tuple[int, int, int], test: MnistSplit,
                        generator: torch.Generator) -> Splits:
    """One seeded permutation of the training file, cut into train | validation | fresh: disjoint by construction."""
    order = torch.randperm(len(train_file), generator=generator)  # (60000,) for the full file
    n_train, n_val, n_fresh = sizes
    parts = (order[:n_train], order[n_train : n_train + n_val], order[n_train + n_val : n_train + n_val + n_fresh])
    taken = [MnistSplit(train_file.images[p], train_file.labels[p]) for p in parts]
    return Splits(*taken, test, *parts)


def class_counts(split: MnistSplit) -> list[int]:
    return torch.bincount(split.labels, minlength=10).tolist()


def overlap(a: torch.Tensor, b: torch.Tensor) -> int:
    """How many positions two index sets share (0 for a proper split)."""
    return int(torch.isin(a, b).sum())
