# expect: once per input channel
import torch
import torch.nn.functional as F


def conv2d_by_loops(x, weight, bias=None, stride=1, padding=0):
    n, c, h, w = x.shape
    o, _, kh, kw = weight.shape
    padded = F.pad(x, (padding, padding, padding, padding))
    out = torch.zeros(n, o, (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1, dtype=x.dtype)
    for f in range(o):
        for i in range(out.shape[2]):
            for j in range(out.shape[3]):
                for ch in range(c):  # one channel at a time, like the colour example
                    window = padded[:, ch, i * stride : i * stride + kh, j * stride : j * stride + kw]
                    out[:, f, i, j] += (window * weight[f, ch]).sum(dim=(1, 2))
                    if bias is not None:
                        out[:, f, i, j] += bias[f]
    return out
