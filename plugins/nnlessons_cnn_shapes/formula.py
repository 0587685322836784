"""The output-size formula floor((W - K + 2P) / S) + 1, and the shapes PyTorch really returns."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from nnlessons_cnn_shapes.shape_case import MAX_USER_SIZE, ShapeCase, parse_user_cases  # noqa: F401  (re-exported)

def conv_output_size(size: int, kernel: int, padding: int = 0, stride: int = 1) -> int:
    """floor((W - K + 2P) / S) + 1: how many windows fit along one axis."""
    return (size - kernel + 2 * padding) // stride + 1


def conv_output_shape(height: int, width: int, case_h: ShapeCase, case_w: ShapeCase, device: torch.device) -> tuple[int, int]:
    """(H_out, W_out) of ``F.conv2d`` on a (1, 1, H, W) input, measured by running it."""
    x = torch.zeros(1, 1, height, width, device=device)  # (1, 1, H, W)
    kernel = torch.zeros(1, 1, case_h.kernel, case_w.kernel, device=device)  # (1, 1, KH, KW)
    out = F.conv2d(x, kernel, stride=(case_h.stride, case_w.stride), padding=(case_h.padding, case_w.padding))
    return tuple(out.shape[-2:])  # type: ignore[return-value]


def pool_output_shape(height: int, width: int, kernel: int, padding: int, stride: int, device: torch.device) -> tuple[int, int]:
    """(H_out, W_out) of ``F.max_pool2d`` (square window) on a (1, 1, H, W) input."""
    x = torch.zeros(1, 1, height, width, device=device)  # (1, 1, H, W)
    return tuple(F.max_pool2d(x, kernel, stride=stride, padding=padding).shape[-2:])  # type: ignore[return-value]


def table_cases() -> list[ShapeCase]:
    """Hand-picked cases: the notes' layers, stride 2, padding, and kernels that do not fit evenly."""
    return [
        ShapeCase(5, 3, 0, 1, "note 002: 5x5, 3x3 kernel"),
        ShapeCase(5, 3, 1, 2, "note 000: 7x7 = 5x5 + pad 1"),
        ShapeCase(100, 3, 0, 1, "note 001: Conv2d(5, 10, 3)"),
        ShapeCase(28, 5, 0, 1, "note 003: digit, 5x5 kernel"),
        ShapeCase(32, 5, 0, 1, "LeNet conv1"),
        ShapeCase(28, 3, 1, 1, "'same': P = (K - 1) / 2"),
        ShapeCase(28, 2, 0, 2, "MaxPool2d(2, 2): halves"),
        ShapeCase(3, 2, 1, 2, "note 002: pool, padding 1"),
        ShapeCase(7, 3, 0, 3, "stride 3: does not fit"),
        ShapeCase(11, 4, 0, 3, "stride 3: does not fit"),
        ShapeCase(10, 4, 0, 3, "stride 3: fits exactly"),
        ShapeCase(224, 7, 3, 2, "ResNet stem"),
    ]


def random_cases(count: int, generator: torch.Generator) -> list[tuple[int, int, ShapeCase, ShapeCase]]:
    """`count` random (H, W, case along H, case along W), every kernel fitting its padded input."""
    cases = []
    while len(cases) < count:
        h, w = (int(v) for v in torch.randint(1, 41, (2,), generator=generator))
        kh, kw = (int(v) for v in torch.randint(1, 10, (2,), generator=generator))
        ph, pw = (int(v) for v in torch.randint(0, 4, (2,), generator=generator))
        sh, sw = (int(v) for v in torch.randint(1, 5, (2,), generator=generator))
        if kh <= h + 2 * ph and kw <= w + 2 * pw:
            cases.append((h, w, ShapeCase(h, kh, ph, sh), ShapeCase(w, kw, pw, sw)))
    return cases
