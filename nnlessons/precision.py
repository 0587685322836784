"""`full_float32()`: compare hand-written maths with PyTorch at true float32 precision on any GPU."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def full_float32() -> Iterator[None]:
    """Turn TF32 off for cuDNN (convolutions, RNNs) and CUDA matmuls inside the block, then restore.

    On recent NVIDIA GPUs cuDNN uses TF32 by default, which keeps only 10 mantissa
    bits: a GPU ``F.conv2d`` or ``nn.LSTM`` then differs from a hand-written loop by
    about 1e-3 instead of float32 rounding (1e-6 to 1e-7). Wrap every "by hand vs
    PyTorch" comparison in this. On the CPU it changes nothing.
    """
    import torch

    cudnn_before = torch.backends.cudnn.allow_tf32
    matmul_before = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cudnn.allow_tf32 = cudnn_before
        torch.backends.cuda.matmul.allow_tf32 = matmul_before
