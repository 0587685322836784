"""Tiny MNIST files for tests, written in torchvision's raw layout with real IDX headers.

Each class is a vertical bar whose column depends on the digit, plus noise, so a model can learn it
in a few steps; the files are a few dozen images, so the real loading code runs in CI without MNIST.

Use in a test module (pytest puts tests/ on sys.path, so import it by its bare name)::

    from mnist_fixtures import tiny_mnist, write_tiny_mnist  # noqa: F401  (tiny_mnist is a fixture)

    def test_something(tiny_mnist):           # tiny_mnist is the data folder, pass it as --data-dir
        ...
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
SIDE = 28


def tiny_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` synthetic digit images (n, 28, 28) uint8 and their labels (n,) uint8, balanced over 0..9.

    Class k is a bright vertical bar three pixels wide starting at column ``3 + 2 * k``, over rows
    5..22, on a background of uniform noise 0..40: every class has its own column, so it is learnable.
    """
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % 10).astype(np.uint8)
    images = rng.integers(0, 41, size=(n, SIDE, SIDE), dtype=np.uint8)
    for i, label in enumerate(labels):
        left = 3 + 2 * int(label)
        images[i, 5:23, left : left + 3] = rng.integers(200, 256, size=(18, 3), dtype=np.uint8)
    return images, labels


def idx_bytes(array: np.ndarray, magic: int) -> bytes:
    """An IDX file: big-endian uint32 magic, one big-endian uint32 per dimension, then the bytes."""
    header = struct.pack(f">{1 + array.ndim}I", magic, *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_tiny_mnist(root: Path, n_train: int = 60, n_test: int = 30, seed: int = 0, gz: bool = False) -> Path:
    """Write ``<root>/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte`` (``.gz`` only with `gz`).

    The training split uses `seed`, the test split ``seed + 1`` (see `tiny_digits`). Returns `root`.
    """
    raw = Path(root) / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for prefix, n, split_seed in (("train", n_train, seed), ("t10k", n_test, seed + 1)):
        images, labels = tiny_digits(n, split_seed)
        for name, data in (
            (f"{prefix}-images-idx3-ubyte", idx_bytes(images, IMAGES_MAGIC)),
            (f"{prefix}-labels-idx1-ubyte", idx_bytes(labels, LABELS_MAGIC)),
        ):
            if gz:
                (raw / f"{name}.gz").write_bytes(gzip.compress(data))
            else:
                (raw / name).write_bytes(data)
    return Path(root)


@pytest.fixture
def tiny_mnist(tmp_path: Path) -> Path:
    """A data folder holding tiny MNIST files (60 train, 30 test images); pass it as ``--data-dir``."""
    return write_tiny_mnist(tmp_path / "data")
