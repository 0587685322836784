"""Convolution and max pooling written as explicit loops over windows, to compare with PyTorch."""

from __future__ import annotations


import torch
import torch.nn.functional as F

#: Random float32 data: the loops add the products in another order than PyTorch, so
#: results differ by rounding (about 1e-6 for these sizes); integer-valued data match exactly.
FLOAT32_TOLERANCE = 1e-4


def pad_with(x: torch.Tensor, padding: int, value: float) -> torch.Tensor:
    """Surround the last two dimensions of `x` with `padding` rows/columns of `value`."""
    if padding == 0:
        return x
    return F.pad(x, (padding, padding, padding, padding), mode="constant", value=value)


def output_positions(size: int, kernel: int, padding: int, stride: int) -> range:
    """Top-left coordinates of every window along one axis of the padded input."""
    return range(0, size + 2 * padding - kernel + 1, stride)


def conv2d_by_hand(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int = 1,
    padding: int = 0,
) -> torch.Tensor:
    """Cross-correlation like ``F.conv2d``, one window at a time.

    For each window: multiply it element-wise with every filter, sum over
    (channel, row, column), add that filter's bias.

    :param x: input, (N, C, H, W).
    :param weight: filters, (O, C, KH, KW).
    :param bias: one number per filter, (O,), or None.
    :return: (N, O, H_out, W_out) on the device of `x`.
    """
    batch, channels, height, width = x.shape
    filters, weight_channels, kernel_h, kernel_w = weight.shape
    if channels != weight_channels:
        raise ValueError(f"input has {channels} channels but the filters expect {weight_channels}")
    rows = output_positions(height, kernel_h, padding, stride)
    cols = output_positions(width, kernel_w, padding, stride)
    padded = pad_with(x, padding, 0.0)  # (N, C, H + 2P, W + 2P)
    out = torch.empty(batch, filters, len(rows), len(cols), dtype=x.dtype, device=x.device)
    for i, top in enumerate(rows):
        for j, left in enumerate(cols):
            window = padded[:, :, top : top + kernel_h, left : left + kernel_w]  # (N, C, KH, KW)
            products = window.unsqueeze(1) * weight.unsqueeze(0)  # (N, O, C, KH, KW)
            out[:, :, i, j] = products.sum(dim=(2, 3, 4))  # (N, O)
    if bias is not None:
        out += bias.view(1, filters, 1, 1)
    return out


def window_channel_sums(
    x: torch.Tensor, weight: torch.Tensor, top: int, left: int, padding: int = 0
) -> torch.Tensor:
    """The per-channel sums of one window times one filter, before adding them up.

    :param x: one image, (C, H, W).
    :param weight: one filter, (C, KH, KW).
    :return: (C,): sum over the window of ``x[c] * weight[c]`` for each channel c.
    """
    kernel_h, kernel_w = weight.shape[-2:]
    padded = pad_with(x, padding, 0.0)  # (C, H + 2P, W + 2P)
    window = padded[:, top : top + kernel_h, left : left + kernel_w]  # (C, KH, KW)
    return (window * weight).sum(dim=(1, 2))  # (C,)


def max_pool2d_by_hand(
    x: torch.Tensor, kernel: int, stride: int | None = None, padding: int = 0, pad_value: float = float("-inf")
) -> torch.Tensor:
    """Max pooling like ``F.max_pool2d`` (ceil_mode=False): the largest value of each window.

    PyTorch pads with -inf, so a padded cell can never win; pass ``pad_value=0``
    to see what goes wrong when negative inputs meet zero padding.

    :param x: input, (N, C, H, W).
    :return: (N, C, H_out, W_out) on the device of `x`.
    """
    stride = kernel if stride is None else stride
    batch, channels, height, width = x.shape
    rows = output_positions(height, kernel, padding, stride)
    cols = output_positions(width, kernel, padding, stride)
    padded = pad_with(x, padding, pad_value)  # (N, C, H + 2P, W + 2P)
    out = torch.empty(batch, channels, len(rows), len(cols), dtype=x.dtype, device=x.device)
    for i, top in enumerate(rows):
        for j, left in enumerate(cols):
            window = padded[:, :, top : top + kernel, left : left + kernel]  # (N, C, K, K)
            out[:, :, i, j] = window.amax(dim=(2, 3))  # (N, C)
    return out


def max_abs_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    """Largest absolute element-wise difference; shapes must match exactly."""
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {tuple(a.shape)} vs {tuple(b.shape)}")
    return float((a - b).abs().max().item()) if a.numel() else 0.0

