"""MNIST files for the benchmarks: write a split in torchvision's raw layout, from real digits or synthetic ones.

A lesson run reads ``<data dir>/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte``; these helpers
write those four files so a benchmark can run a whole lesson (``nnlessons run ... --data-dir DIR``) on
the shared MNIST test set split in two, or on synthetic digits where no MNIST is at hand (a GPU machine).
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

IMAGES_MAGIC = 2051  # unsigned bytes, 3 dimensions
LABELS_MAGIC = 2049  # unsigned bytes, 1 dimension


def idx_bytes(array: np.ndarray, magic: int) -> bytes:
    """An IDX file: big-endian uint32 magic, one big-endian uint32 per dimension, then the bytes."""
    return struct.pack(f">{1 + array.ndim}I", magic, *array.shape) + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_mnist(root: Path, train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray]) -> Path:
    """Write (images (N, 28, 28) uint8, labels (N,)) of both splits under ``root/MNIST/raw``; return `root`."""
    raw = Path(root) / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for prefix, (images, labels) in (("train", train), ("t10k", test)):
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(idx_bytes(images, IMAGES_MAGIC))
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(idx_bytes(labels.astype(np.uint8), LABELS_MAGIC))
    return Path(root)


def synthetic_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` learnable fake digits: class k is a bright vertical bar at column 3 + 2k over noise (as tests/mnist_fixtures.py).

    Fit for checking that runs work and that devices agree, not for accuracy figures.
    """
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % 10).astype(np.uint8)
    images = rng.integers(0, 41, size=(n, 28, 28), dtype=np.uint8)
    for i, label in enumerate(labels):
        left = 3 + 2 * int(label)
        images[i, 5:23, left : left + 3] = rng.integers(200, 256, size=(18, 3), dtype=np.uint8)
    return images, labels
