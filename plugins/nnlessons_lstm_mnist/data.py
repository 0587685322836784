"""MNIST for this lesson: load both splits through the core data layer, trim them, move them once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from nnlessons.mnist import MnistSplit, load_mnist


@dataclass
class DeviceData:
    """Both splits as float images (N, 28, 28) and int64 labels (N,), already on the device."""

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    available_train: int  # images in the split on disk, before --limit-train
    available_test: int

    @property
    def train(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.train_images, self.train_labels

    @property
    def test(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.test_images, self.test_labels


def load_splits(data_dir: Path, download: bool) -> tuple[MnistSplit, MnistSplit]:
    """The training and test splits as uint8 tensors on the CPU (exit code 2 if the data is missing or bad)."""
    return load_mnist(data_dir, train=True, download=download), load_mnist(data_dir, train=False, download=download)


def prepare(
    train: MnistSplit,
    test: MnistSplit,
    limit_train: int,
    limit_test: int,
    normalize: bool,
    device: torch.device,
    generator: torch.Generator,
) -> DeviceData:
    """A seeded random `limit_train` training images (all digits mixed), the first `limit_test` test images.

    Each split crosses to the device once, as bytes; batches are later cut by indexing on the device.
    """
    train_images, train_labels = train.subset(limit_train, generator).to_device(device, normalize)  # (N, 28, 28), (N,)
    test_images, test_labels = test.subset(limit_test).to_device(device, normalize)  # (M, 28, 28), (M,)
    return DeviceData(train_images, train_labels, test_images, test_labels, len(train), len(test))


def class_counts(labels: torch.Tensor) -> list[int]:
    """How many images of each digit 0..9."""
    return torch.bincount(labels, minlength=10).cpu().tolist()
