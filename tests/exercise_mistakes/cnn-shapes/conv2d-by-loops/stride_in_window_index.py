# expect: instead of (i * stride, j * stride)
import torch
import torch.nn.functional as F


def conv2d_by_loops(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    o, _, kh, kw = weight.shape
    padded = F.pad(x, (padding, padding, padding, padding))
    out = torch.zeros(n, o, (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1, dtype=x.dtype)
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            window = padded[:, :, i : i + kh, j : j + kw]
            out[:, :, i, j] = (window[:, None] * weight[None]).sum(dim=(2, 3, 4))
    if bias is not None:
        out += bias.view(1, -1, 1, 1)
    return out
