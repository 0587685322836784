"""Light data augmentation: move each digit a few pixels, filling the uncovered border with background."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def random_shifts(n: int, max_shift: int, generator: torch.Generator, device: torch.device) -> torch.Tensor:
    """(n, 2) integer shifts (down, right), each uniform in -max_shift..max_shift: drawn on the CPU, moved once."""
    return torch.randint(-max_shift, max_shift + 1, (n, 2), generator=generator).to(device)


def shift_images(images: torch.Tensor, shifts: torch.Tensor, max_shift: int, fill: float) -> torch.Tensor:
    """Move image b down by shifts[b, 0] and right by shifts[b, 1] pixels; new pixels get `fill`.

    images (B, 1, H, W), shifts (B, 2) with |shift| <= max_shift -> (B, 1, H, W). Pixel (y, x) of
    the result is pixel (y - down, x - right) of the input: one gather from a padded copy, no loop.
    """
    batch, _, height, width = images.shape
    padded = F.pad(images[:, 0], (max_shift,) * 4, value=fill)  # (B, H + 2s, W + 2s)
    rows = (max_shift - shifts[:, :1]) + torch.arange(height, device=images.device)  # (B, H): source rows
    columns = (max_shift - shifts[:, 1:]) + torch.arange(width, device=images.device)  # (B, W): source columns
    batch_index = torch.arange(batch, device=images.device)[:, None, None]  # (B, 1, 1)
    return padded[batch_index, rows[:, :, None], columns[:, None, :]].unsqueeze(1)  # (B, 1, H, W)
