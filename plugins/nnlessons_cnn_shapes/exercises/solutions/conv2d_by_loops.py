"""A 2-D convolution written as loops over windows (reference solution)."""

import torch
import torch.nn.functional as F


def conv2d_by_loops(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                    stride: int = 1, padding: int = 0) -> torch.Tensor:
    batch, _, height, width = x.shape
    filters, _, kernel_h, kernel_w = weight.shape
    padded = F.pad(x, (padding, padding, padding, padding))  # (N, C, H + 2P, W + 2P), zeros around
    rows = (height + 2 * padding - kernel_h) // stride + 1
    cols = (width + 2 * padding - kernel_w) // stride + 1
    out = torch.empty(batch, filters, rows, cols, dtype=x.dtype, device=x.device)  # (N, O, H_out, W_out)
    for i in range(rows):
        for j in range(cols):
            top, left = i * stride, j * stride
            window = padded[:, :, top : top + kernel_h, left : left + kernel_w]  # (N, C, KH, KW)
            out[:, :, i, j] = (window[:, None] * weight[None]).sum(dim=(2, 3, 4))  # (N, O, C, KH, KW) -> (N, O)
    if bias is not None:
        out += bias.view(1, filters, 1, 1)  # one bias per filter, added once
    return out
