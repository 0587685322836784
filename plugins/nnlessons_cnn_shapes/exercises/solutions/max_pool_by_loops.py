"""Max pooling written as loops over windows (reference solution)."""

import torch
import torch.nn.functional as F


def max_pool2d_by_loops(x: torch.Tensor, kernel: int, stride: int | None = None, padding: int = 0) -> torch.Tensor:
    stride = kernel if stride is None else stride  # nn.MaxPool2d's default: windows side by side
    batch, channels, height, width = x.shape
    # -inf, not 0: a padded cell must never be the maximum of a window of negative numbers
    padded = F.pad(x, (padding, padding, padding, padding), value=float("-inf"))  # (N, C, H + 2P, W + 2P)
    rows = (height + 2 * padding - kernel) // stride + 1
    cols = (width + 2 * padding - kernel) // stride + 1
    out = torch.empty(batch, channels, rows, cols, dtype=x.dtype, device=x.device)  # (N, C, H_out, W_out)
    for i in range(rows):
        for j in range(cols):
            top, left = i * stride, j * stride
            out[:, :, i, j] = padded[:, :, top : top + kernel, left : left + kernel].amax(dim=(2, 3))  # (N, C)
    return out
