"""The notes' image-folder pipeline: write digits as PNGs, one folder per class, and read them back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from PIL import Image
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

from nnlessons import atomic_files

CLASS_FOLDERS = tuple(str(digit) for digit in range(10))  # "0" .. "9"


@dataclass
class DigitFolder:
    """A folder tree read back through ImageFolder, with where each file came from."""

    dataset: datasets.ImageFolder
    source_indices: torch.Tensor  # (F,) index into the MNIST split of each file, in ImageFolder's order


def first_images_per_class(labels: torch.Tensor, per_class: int) -> torch.Tensor:
    """Indices of the first `per_class` images of each digit (fewer if the split has fewer)."""
    picked = [torch.nonzero(labels == digit).flatten()[:per_class] for digit in range(10)]
    return torch.cat(picked)  # (F,)


def write_digit_tree(root: Path, images: torch.Tensor, labels: torch.Tensor, indices: torch.Tensor) -> list[Path]:
    """Save images[indices] as root/<digit>/<index>.png (8-bit grayscale); root must be a new or empty folder.

    The tree is the lesson's own scratch data (ImageFolder reads every sub-folder of root as a
    class), so it goes into a folder made for it, never into one that may hold a user's files;
    nothing is ever deleted here. Each PNG is written under a temporary name and renamed.
    """
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty; the digit tree needs a folder of its own")
    for digit in CLASS_FOLDERS:
        (root / digit).mkdir(parents=True, exist_ok=True)
    written = []
    for index in indices.tolist():
        path = root / str(int(labels[index])) / f"{index:05d}.png"
        with atomic_files.atomic_path(path) as tmp:  # the temporary name ends in .part: say the format
            Image.fromarray(images[index].cpu().numpy()).save(tmp, format="PNG")  # (28, 28) uint8 -> mode "L"
        written.append(path)
    return written


def image_transform(grayscale: bool = True) -> transforms.Compose:
    """The notes' pipeline: ImageFolder opens every file as RGB, so Grayscale(1) brings it back to 1 channel."""
    steps = [transforms.Grayscale(num_output_channels=1)] if grayscale else []
    return transforms.Compose([*steps, transforms.ToTensor()])  # uint8 (H, W) -> float (C, H, W) / 255


def read_digit_tree(root: Path, grayscale: bool = True) -> DigitFolder:
    """ImageFolder over root, plus the MNIST index each file was written from (its file name)."""
    # A few --train-images may miss a digit: its folder stays empty but still names its class,
    # so every other folder keeps its label.
    dataset = datasets.ImageFolder(str(root), transform=image_transform(grayscale), allow_empty=True)
    sources = torch.tensor([int(Path(path).stem) for path, _ in dataset.samples])
    return DigitFolder(dataset, sources)


def digit_loader(folder: DigitFolder, batch_size: int, generator: torch.Generator | None) -> DataLoader:
    """Mini-batches from the folder; shuffled with a seeded generator when one is given."""
    return DataLoader(folder.dataset, batch_size=batch_size, shuffle=generator is not None, generator=generator, num_workers=0)


def read_all(folder: DigitFolder, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Every image and label of the folder in ImageFolder's order, moved to `device`."""
    images, labels = [], []
    for batch_images, batch_labels in digit_loader(folder, batch_size=256, generator=None):
        images.append(batch_images)  # (B, 1, 28, 28)
        labels.append(batch_labels)  # (B,)
    return torch.cat(images).to(device), torch.cat(labels).to(device)
