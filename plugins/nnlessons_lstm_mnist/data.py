"""MNIST for this lesson: load both files through the core data layer, cut train and validation digits from the
training file, trim the test file, move each split once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from nnlessons.mnist import MnistSplit, load_mnist


@dataclass
class DeviceData:
    """The three splits as float images (N, 28, 28) and int64 labels (N,), already on the device.

    Train and validation are disjoint parts of one seeded permutation of the training file; test is the test file.
    """

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    available_train: int  # images in the training file on disk, shared by train and validation
    available_test: int
    val_images: torch.Tensor | None = None
    val_labels: torch.Tensor | None = None
    train_val_overlap: int = 0  # images in both train and validation: 0 by construction

    @property
    def val(self) -> tuple[torch.Tensor, torch.Tensor]:
        assert self.val_images is not None and self.val_labels is not None, "prepared without validation digits"
        return self.val_images, self.val_labels

    @property
    def train(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.train_images, self.train_labels

    @property
    def test(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.test_images, self.test_labels


def load_splits(data_dir: Path, download: bool) -> tuple[MnistSplit, MnistSplit]:
    """The training and test splits as uint8 tensors on the CPU (exit code 2 if the data is missing or bad)."""
    return load_mnist(data_dir, train=True, download=download), load_mnist(data_dir, train=False, download=download)


def fitted_sizes(train: int, val: int, available: int) -> tuple[int, int]:
    """(train, validation) as asked when they fit in `available` training-file images, else scaled down to fit."""
    if train + val <= available:
        return train, val
    val_used = max(1, val * available // (train + val)) if val else 0
    return available - val_used, val_used


def prepare(
    train: MnistSplit,
    test: MnistSplit,
    limit_train: int,
    limit_test: int,
    normalize: bool,
    device: torch.device,
    generator: torch.Generator,
    limit_val: int = 0,
) -> DeviceData:
    """One seeded permutation of the training file: its first `limit_val` images are the validation digits, the
    next `limit_train` the training digits (all digits mixed, none in both); the first `limit_test` test images.

    Validation comes first, so the same seed gives the same validation digits whatever `limit_train`. Each split
    crosses to the device once, as bytes; batches are later cut by indexing on the device.
    """
    order = torch.randperm(len(train), generator=generator)
    val_rows, train_rows = order[:limit_val], order[limit_val : limit_val + limit_train]
    train_images, train_labels = MnistSplit(train.images[train_rows], train.labels[train_rows]).to_device(
        device, normalize)  # (N, 28, 28), (N,)
    val_images, val_labels = MnistSplit(train.images[val_rows], train.labels[val_rows]).to_device(device, normalize)
    test_images, test_labels = test.subset(limit_test).to_device(device, normalize)  # (M, 28, 28), (M,)
    return DeviceData(train_images, train_labels, test_images, test_labels, len(train), len(test), val_images,
                      val_labels, int(torch.isin(val_rows, train_rows).sum()))


def class_counts(labels: torch.Tensor) -> list[int]:
    """How many images of each digit 0..9."""
    return torch.bincount(labels, minlength=10).cpu().tolist()
