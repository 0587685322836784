"""Checks of the cnn-shapes exercises: the shapes and values PyTorch's Conv2d and MaxPool2d really return are the oracle."""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from nnlessons.practice.compare import (Case, call_learner, describe_value, expect, expect_close, expect_counts,
                                        expect_equal)
from nnlessons_cnn_shapes.formula import table_cases
from nnlessons_cnn_shapes.lenet import build_lenet

F64 = torch.float64
FLOAT64_TOLERANCE = 1e-10
FLOAT32_TOLERANCE = 1e-4  # the lesson's: loops add the products in another order than PyTorch




# --- output-size --------------------------------------------------------------------------------


def _conv_shape(height: int, width: int, kernel: tuple[int, int], padding: tuple[int, int],
                stride: tuple[int, int]) -> tuple[int, int]:
    """(H_out, W_out) of a real nn.Conv2d on a tiny CPU input (the meta device would cost a second to start)."""
    layer = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding, bias=False)
    with torch.no_grad():
        return tuple(layer(torch.zeros(1, 1, height, width)).shape[-2:])  # type: ignore[return-value]


def _pool_shape(height: int, width: int, kernel: int, padding: int, stride: int) -> tuple[int, int]:
    """(H_out, W_out) of a real nn.MaxPool2d on a tiny CPU input."""
    pool = nn.MaxPool2d(kernel, stride=stride, padding=padding)
    return tuple(pool(torch.zeros(1, 1, height, width)).shape[-2:])  # type: ignore[return-value]


def _size_case(description: str, size: int, kernel: int, padding: int, stride: int) -> Case:
    return Case(description, size=size, kernel=kernel, padding=padding, stride=stride)


def output_size_cases() -> list[tuple[Case, int]]:
    """(case, the size PyTorch returns): the lesson's table, pooling, edge cases, then random settings per axis."""
    cases = []
    for shape in table_cases():
        h, _ = _conv_shape(shape.size, shape.size, (shape.kernel,) * 2, (shape.padding,) * 2, (shape.stride,) * 2)
        cases.append((_size_case(f"the lesson's table: {shape.why}", shape.size, shape.kernel, shape.padding,
                                 shape.stride), h))
    for size, kernel, padding, stride, why in ((28, 2, 0, 2, "MaxPool2d(2, 2) halves 28"),
                                               (3, 2, 1, 2, "note 002's MaxPool2d(2, 2, padding=1)"),
                                               (7, 3, 1, 2, "MaxPool2d(3, 2, padding=1)"),
                                               (9, 3, 0, 3, "MaxPool2d(3): stride defaults to the kernel")):
        cases.append((_size_case(why, size, kernel, padding, stride), _pool_shape(size, size, kernel, padding, stride)[0]))
    for size, kernel, padding, stride, why in ((1, 1, 0, 1, "a 1-pixel input"), (5, 7, 1, 1, "kernel = padded input"),
                                               (4, 3, 0, 5, "stride larger than the input"),
                                               (6, 1, 2, 1, "1x1 kernel with padding")):
        h, _ = _conv_shape(size, size, (kernel, kernel), (padding, padding), (stride, stride))
        cases.append((_size_case(why, size, kernel, padding, stride), h))
    g = torch.Generator().manual_seed(0)
    added = 0
    while added < 150:
        h, w, kh, kw = (int(v) for v in torch.randint(1, 41, (4,), generator=g))
        ph, pw = (int(v) for v in torch.randint(0, 4, (2,), generator=g))
        sh, sw = (int(v) for v in torch.randint(1, 5, (2,), generator=g))
        if kh > h + 2 * ph or kw > w + 2 * pw:
            continue
        added += 1
        out_h, out_w = _conv_shape(h, w, (kh, kw), (ph, pw), (sh, sw))
        setting = f"random Conv2d {added}: input {h}x{w}, kernel {kh}x{kw}, padding ({ph}, {pw}), stride ({sh}, {sw})"
        cases.append((_size_case(setting + ", height", h, kh, ph, sh), out_h))
        cases.append((_size_case(setting + ", width", w, kw, pw, sw), out_w))
    return cases


#: known wrong formulas, by the message that names them
SIZE_MISTAKES = {
    "the +1 is missing: the windows start at 0, s, 2s, ..., which is one more start than there are steps.":
        lambda n, k, p, s: (n + 2 * p - k) // s,
    "the padding is counted once: it goes on both sides, so the padded length is n + 2p.":
        lambda n, k, p, s: (n + p - k) // s + 1,
    "the result is rounded up: PyTorch drops the pixels no window reaches (ceil_mode=False), so round down.":
        lambda n, k, p, s: math.ceil((n + 2 * p - k) / s) + 1,
    "the result is rounded to the nearest whole number: the formula rounds down (floor, or // on ints).":
        lambda n, k, p, s: round((n + 2 * p - k) / s) + 1,
}


def _consistent_size_mistakes(learner: ModuleType, cases: list[tuple[Case, int]]) -> list[str]:
    """The known mistakes that give the learner's answer on every case (one case alone can fit two of them)."""
    names = list(SIZE_MISTAKES)
    for case, _ in cases:
        try:
            got = learner.conv_output_size(*case.inputs.values())
        except Exception:  # noqa: BLE001 - a case that raises tells nothing about which formula it is
            continue
        names = [name for name in names if SIZE_MISTAKES[name](*case.inputs.values()) == got]
    return names


def check_output_size(learner: ModuleType) -> str:
    cases = output_size_cases()
    for case, expected in cases:
        got = call_learner(learner.conv_output_size, case)
        expect(isinstance(got, int) and not isinstance(got, bool),
               f"your function returned {got!r} ({type(got).__name__}); return a Python int: a size is a whole "
               f"number (floor division // keeps ints whole).", case)
        if got != expected:
            expect_equal(got, expected, case, mistakes={name: got for name in _consistent_size_mistakes(learner, cases)})
    for inputs in ({"size": 28, "kernel": 5}, {"size": 9, "kernel": 4}, {"size": 28, "kernel": 3, "padding": 1},
                   {"size": 7, "kernel": 3, "padding": 2}):
        case = Case(f"the defaults: conv_output_size({', '.join(map(str, inputs.values()))}), padding 0 and stride 1 "
                    f"when not given", **inputs)
        padding = inputs.get("padding", 0)
        expected = _conv_shape(inputs["size"], inputs["size"], (inputs["kernel"],) * 2, (padding, padding), (1, 1))[0]
        expect_equal(call_learner(learner.conv_output_size, case), expected, case)
    return f"{len(cases)} sizes matched the shapes nn.Conv2d and nn.MaxPool2d return."


# --- conv2d-by-loops ----------------------------------------------------------------------------


def _conv_case(description: str, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None,
               stride: int, padding: int) -> Case:
    return Case(description, x=x, weight=weight, bias=bias, stride=stride, padding=padding)


def _notes_conv_cases() -> list[Case]:
    from nnlessons_cnn_shapes.examples import NOTE002_INPUT, NOTE002_KERNEL, RGB_BIAS, RGB_FILTER, RGB_IMAGE

    note002 = torch.tensor(NOTE002_INPUT, dtype=F64).view(1, 1, 5, 5)
    kernel = torch.tensor(NOTE002_KERNEL, dtype=F64).view(1, 1, 3, 3)
    rgb = torch.tensor(RGB_IMAGE, dtype=F64).unsqueeze(0)  # (1, 3, 5, 5)
    rgb_filter = torch.tensor(RGB_FILTER, dtype=F64).unsqueeze(0)  # (1, 3, 3, 3)
    return [
        _conv_case("note 002: 5x5 input, 3x3 kernel, no bias", note002, kernel, None, 1, 0),
        _conv_case("note 000: 5x5x3 image, one 3x3x3 filter, bias 1, padding 1, stride 2", rgb, rgb_filter,
                   torch.tensor([RGB_BIAS], dtype=F64), 2, 1),
    ]


def conv_cases() -> list[Case]:
    g = torch.Generator().manual_seed(0)

    def randn(*shape: int, dtype: torch.dtype = F64) -> torch.Tensor:
        return torch.randn(*shape, generator=g, dtype=dtype)

    cases = _notes_conv_cases() + [
        _conv_case("batch of one, one channel, one filter", randn(1, 1, 6, 6), randn(1, 1, 3, 3), randn(1), 1, 0),
        _conv_case("stride 2 and padding 1", randn(2, 3, 7, 7), randn(4, 3, 3, 3), randn(4), 2, 1),
        _conv_case("stride 3 does not fit: the last column is dropped", randn(1, 2, 8, 8), randn(3, 2, 3, 3),
                   randn(3), 3, 0),
        _conv_case("rectangular input and kernel", randn(2, 2, 5, 9), randn(3, 2, 2, 4), randn(3), 1, 0),
        _conv_case("rectangular kernel with stride 2 and padding 2", randn(1, 3, 6, 8), randn(2, 3, 3, 1), randn(2),
                   2, 2),
        _conv_case("no bias", randn(2, 2, 6, 5), randn(3, 2, 3, 3), None, 1, 1),
        _conv_case("float32 input", randn(2, 3, 7, 6, dtype=torch.float32), randn(4, 3, 3, 3, dtype=torch.float32),
                   randn(4, dtype=torch.float32), 2, 1),
    ]
    for n in range(12):
        batch, channels, filters = (int(v) for v in torch.randint(1, 4, (3,), generator=g))
        height, width = (int(v) for v in torch.randint(3, 10, (2,), generator=g))
        kernel_h, kernel_w = (int(v) for v in torch.randint(1, 5, (2,), generator=g))
        padding, stride = int(torch.randint(0, 3, (), generator=g)), int(torch.randint(1, 4, (), generator=g))
        if kernel_h > height + 2 * padding or kernel_w > width + 2 * padding:
            continue
        bias = randn(filters) if n % 4 else None
        cases.append(_conv_case(f"random case {n + 1}", randn(batch, channels, height, width),
                                randn(filters, channels, kernel_h, kernel_w), bias, stride, padding))
    return cases


def _conv_mistakes(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, stride: int,
                   padding: int) -> dict[str, torch.Tensor]:
    """What known wrong loops give on this case, computed with F.conv2d."""
    out = F.conv2d(x, weight, bias, stride=stride, padding=padding)
    mistakes = {}
    if bias is not None:
        plain = F.conv2d(x, weight, None, stride=stride, padding=padding)
        mistakes["the result equals the convolution without the bias: did you forget to add it?"] = plain
        mistakes[("the bias is added once per input channel: a filter spans all channels and has one bias, "
                  "added once to its sum.")] = plain + x.shape[1] * bias.view(1, -1, 1, 1)
    mistakes["the kernel is flipped: F.conv2d does not flip it (it is cross-correlation); multiply window and "
             "weight as they are."] = F.conv2d(x, weight.flip(-2, -1), bias, stride=stride, padding=padding)
    if stride > 1:
        mistakes["the stride is ignored: the windows must start every `stride` pixels."] = \
            F.conv2d(x, weight, bias, stride=1, padding=padding)
        mistakes[("the windows start at (i, j) instead of (i * stride, j * stride): the output has the right "
                  "size, but each window must move `stride` pixels per output cell.")] = \
            F.conv2d(x, weight, bias, stride=1, padding=padding)[:, :, : out.shape[2], : out.shape[3]]
    if padding > 0:
        mistakes["the padding is ignored: surround the input with `padding` zeros on every side first."] = \
            F.conv2d(x, weight, bias, stride=stride)
        mistakes[("the input is padded on one side only: put `padding` zeros on every side, "
                  "F.pad(x, (p, p, p, p)).")] = F.conv2d(F.pad(x, (padding, 0, padding, 0)), weight, bias, stride=stride)
    return mistakes


def check_conv2d_by_loops(learner: ModuleType) -> str:
    cases = conv_cases()
    for case in cases:
        x, weight, bias, stride, padding = case.inputs.values()
        expected = F.conv2d(x, weight, bias, stride=stride, padding=padding)
        mistakes = _conv_mistakes(x, weight, bias, stride, padding)
        got = call_learner(learner.conv2d_by_loops, case)
        expect_close(got, expected, case, atol=FLOAT64_TOLERANCE if x.dtype == F64 else FLOAT32_TOLERANCE,
                     mistakes=mistakes)
    g = torch.Generator().manual_seed(5)
    x, weight, bias = (torch.randn(*shape, generator=g, dtype=F64) for shape in ((2, 2, 6, 5), (3, 2, 3, 3), (3,)))
    for case, expected in ((Case("the defaults: conv2d_by_loops(x, weight), no bias, stride 1, padding 0", x=x,
                                 weight=weight), F.conv2d(x, weight)),
                           (Case("the defaults: conv2d_by_loops(x, weight, bias), stride 1, padding 0", x=x,
                                 weight=weight, bias=bias), F.conv2d(x, weight, bias))):
        expect_close(call_learner(learner.conv2d_by_loops, case), expected, case, atol=FLOAT64_TOLERANCE)
    return f"{len(cases)} convolutions matched F.conv2d (notes' examples, stride, padding, no bias, float32)."


# --- max-pool-by-loops --------------------------------------------------------------------------


def pool_cases() -> list[Case]:
    g = torch.Generator().manual_seed(1)

    def randn(*shape: int, dtype: torch.dtype = F64) -> torch.Tensor:
        return torch.randn(*shape, generator=g, dtype=dtype)

    feature_map = torch.tensor([[24.0, 18, 8], [26, 18, 8], [28, 18, 8]], dtype=F64).view(1, 1, 3, 3)
    cases = [
        Case("note 002: MaxPool2d(2, stride=2, padding=1) on its 3x3 map", x=feature_map, kernel=2, stride=2, padding=1),
        Case("negative numbers with padding 1: the padding must not win", x=-randn(1, 2, 4, 4).abs() - 0.1,
             kernel=2, stride=2, padding=1),
        Case("stride None: stride = kernel", x=randn(2, 3, 6, 6), kernel=2, stride=None, padding=0),
        Case("MaxPool2d(3), stride None, 7x7 does not fit", x=randn(1, 1, 7, 7), kernel=3, stride=None, padding=0),
        Case("overlapping windows: kernel 3, stride 1, padding 1", x=randn(1, 2, 5, 6), kernel=3, stride=1, padding=1),
        Case("batch of one, rectangular input", x=randn(1, 1, 4, 9), kernel=2, stride=2, padding=0),
        Case("float32 input, kernel 3, stride 2, padding 1", x=randn(2, 4, 7, 5, dtype=torch.float32), kernel=3,
             stride=2, padding=1),
    ]
    for n in range(12):
        kernel = int(torch.randint(1, 5, (), generator=g))
        padding = int(torch.randint(0, kernel // 2 + 1, (), generator=g))
        stride = None if n % 5 == 0 else int(torch.randint(1, 4, (), generator=g))
        height, width = (int(v) for v in torch.randint(max(kernel, 2), 10, (2,), generator=g))
        batch, channels = (int(v) for v in torch.randint(1, 4, (2,), generator=g))
        cases.append(Case(f"random case {n + 1}", x=randn(batch, channels, height, width) - 0.5, kernel=kernel,
                          stride=stride, padding=padding))
    return cases


def _pool_mistakes(x: torch.Tensor, kernel: int, stride: int | None, padding: int) -> dict[str, torch.Tensor]:
    step = kernel if stride is None else stride
    out = F.max_pool2d(x, kernel, step, padding)
    mistakes = {}
    if padding > 0:
        mistakes[("the input is padded with zeros: on negative numbers a padded 0 wins. PyTorch pads max pooling with "
                  "-inf, F.pad(x, (p, p, p, p), value=float('-inf')), so a padded cell never wins.")] = \
            F.max_pool2d(F.pad(x, (padding,) * 4), kernel, step)
    if stride is None and kernel > 1:
        mistakes["stride=None was taken as stride 1: in max pooling it means stride = kernel (windows side by side)."] = \
            F.max_pool2d(x, kernel, 1, padding)
    mistakes["the windows are averaged: max pooling keeps each window's largest value."] = \
        F.avg_pool2d(x, kernel, step, padding)
    if step > 1:
        mistakes[("the windows start at (i, j) instead of (i * stride, j * stride): each output cell moves the window "
                  "by `stride` pixels.")] = F.max_pool2d(x, kernel, 1, padding)[:, :, : out.shape[2], : out.shape[3]]
    return mistakes


def check_max_pool_by_loops(learner: ModuleType) -> str:
    cases = pool_cases()
    for case in cases:
        x, kernel, stride, padding = case.inputs.values()
        expected = F.max_pool2d(x, kernel, kernel if stride is None else stride, padding)
        mistakes = _pool_mistakes(x, kernel, stride, padding)
        got = call_learner(learner.max_pool2d_by_loops, case)
        expect_close(got, expected, case, atol=1e-12, mistakes=mistakes)
    x = -torch.rand(1, 2, 5, 5, generator=torch.Generator().manual_seed(6), dtype=F64)
    for case, expected in ((Case("the defaults: max_pool2d_by_loops(x, 2), stride = kernel, padding 0", x=x, kernel=2),
                            F.max_pool2d(x, 2)),
                           (Case("the defaults: max_pool2d_by_loops(x, 3, 1), padding 0", x=x, kernel=3, stride=1),
                            F.max_pool2d(x, 3, 1))):
        expect_close(call_learner(learner.max_pool2d_by_loops, case), expected, case, atol=1e-12)
    return f"{len(cases)} poolings matched F.max_pool2d (negative inputs with padding, stride None, overlapping windows)."


# --- parameter-count ----------------------------------------------------------------------------


def _numel(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _conv_numel(in_channels: int, out_channels: int, kernel: int) -> int:
    return _numel(nn.Conv2d(in_channels, out_channels, kernel, device="meta"))


def _linear_numel(in_features: int, out_features: int) -> int:
    return _numel(nn.Linear(in_features, out_features, device="meta"))


def _lenet_numel(num_classes: int) -> int:
    with torch.device("meta"):
        return _numel(build_lenet(num_classes))


def _conv_count_mistakes(in_channels: int, out_channels: int, kernel: int) -> dict[str, int]:
    return {
        "the bias is missing: each filter has one bias, so add out_channels.": out_channels * in_channels * kernel ** 2,
        "the bias is counted once per input channel: each filter has one bias, not one per channel.":
            out_channels * in_channels * (kernel ** 2 + 1),
        "the kernel is counted as K weights per channel: a K x K kernel has K * K.":
            out_channels * (in_channels * kernel + 1),
        "the input channels are missing: a filter spans all of them, in_channels * K * K weights per filter.":
            out_channels * (kernel ** 2 + 1),
    }


def _linear_count_mistakes(in_features: int, out_features: int) -> dict[str, int]:
    return {
        "the bias is missing: a Linear layer has one bias per output.": in_features * out_features,
        "the bias is counted per input: a Linear layer has one bias per output (weight [out, in], bias [out]).":
            (out_features + 1) * in_features,
    }


def _lenet_count_mistakes(num_classes: int) -> dict[str, int]:
    right = _lenet_numel(num_classes)
    fc1 = 120 * 401
    biases = 6 + 16 + 120 + 84 + num_classes
    return {
        ("fc1 reads 6 * 5 * 5 = 150 numbers (the note's '6@5x5'): the second convolution has 16 filters, so fc1 "
         "reads 16 * 5 * 5 = 400."): right - fc1 + 120 * 151,
        ("fc1 was sized for a 28 x 28 input (16 * 4 * 4 = 256 inputs): LeNet-5 reads 32 x 32 images, "
         "so 16 * 5 * 5 = 400."): right - fc1 + 120 * 257,
        "the biases are missing: every Conv2d filter and every Linear output has one.": right - biases,
        "the convolution layers are missing: conv1 and conv2 have parameters too.": right - 156 - 2416,
    }


def parameter_count_cases() -> list[tuple[str, Case, int, dict[str, int]]]:
    """(function name, case, PyTorch's count, mistakes)."""
    g = torch.Generator().manual_seed(2)
    convs = [(5, 10, 3, "note 001's layer"), (1, 6, 5, "LeNet conv1"), (6, 16, 5, "LeNet conv2"),
             (1, 32, 5, "the feature-map layer"), (1, 1, 1, "the smallest layer")]
    for n in range(40):
        in_c, out_c = (int(v) for v in torch.randint(1, 130, (2,), generator=g))
        convs.append((in_c, out_c, int(torch.randint(1, 8, (), generator=g)), f"random Conv2d {n + 1}"))
    linears = [(400, 120, "LeNet fc1"), (120, 84, "LeNet fc2"), (84, 10, "LeNet fc3"), (1, 1, "the smallest layer")]
    for n in range(40):
        in_f, out_f = (int(v) for v in torch.randint(1, 1000, (2,), generator=g))
        linears.append((in_f, out_f, f"random Linear {n + 1}"))
    found = []
    for in_c, out_c, kernel, why in convs:
        case = Case(f"{why}: Conv2d({in_c}, {out_c}, {kernel})", in_channels=in_c, out_channels=out_c, kernel=kernel)
        found.append(("conv_params", case, _conv_numel(in_c, out_c, kernel), _conv_count_mistakes(in_c, out_c, kernel)))
    for in_f, out_f, why in linears:
        case = Case(f"{why}: Linear({in_f}, {out_f})", in_features=in_f, out_features=out_f)
        found.append(("linear_params", case, _linear_numel(in_f, out_f), _linear_count_mistakes(in_f, out_f)))
    for classes in (10, 2, 100):
        case = Case(f"LeNet-5 with {classes} classes", num_classes=classes)
        found.append(("lenet_param_count", case, _lenet_numel(classes), _lenet_count_mistakes(classes)))
    found.append(("lenet_param_count", Case("LeNet-5 with the default number of classes (10)"), _lenet_numel(10),
                  _lenet_count_mistakes(10)))
    return found


def check_parameter_count(learner: ModuleType) -> str:
    cases = parameter_count_cases()
    expect_counts(learner, cases)
    return f"{len(cases)} counts matched sum(p.numel()) of the real layers, LeNet-5 included (61,706 with 10 classes)."


# --- table-net ----------------------------------------------------------------------------------

#: parameter name -> shape, for num_classes classes, as the table gives them
def table_shapes(num_classes: int) -> dict[str, tuple[int, ...]]:
    return {"conv1.weight": (8, 1, 3, 3), "conv1.bias": (8,), "conv2.weight": (8, 8, 3, 3), "conv2.bias": (8,),
            "conv3.weight": (16, 8, 3, 3), "conv3.bias": (16,), "fc1.weight": (64, 576), "fc1.bias": (64,),
            "fc2.weight": (num_classes, 64), "fc2.bias": (num_classes,)}


#: (layer, the shape of one image it reads, the shape it makes of it)
TABLE_LAYERS = (("conv1", (1, 28, 28), (8, 28, 28)), ("conv2", (8, 28, 28), (8, 28, 28)),
                ("conv3", (8, 14, 14), (16, 12, 12)))
PADDING_FIX = {
    "conv1": "conv1 has no padding: a 3 x 3 kernel shrinks 28 to 26; padding=1 keeps 28 x 28, as the table says.",
    "conv2": "conv2 has no padding: a 3 x 3 kernel shrinks 28 to 26; padding=1 keeps 28 x 28, as the table says.",
    "conv3": "conv3 has padding: the table's conv3 turns 14 x 14 into 12 x 12, so it has none.",
}
#: fc1's inputs a mistake in the layers before it leads to -> the mistake
FLATTEN_MISTAKES = {
    784: "wrong flatten size: fc1 reads 16 x 7 x 7 = 784 numbers, as if conv3 kept 14 x 14; conv3 has no padding, so "
         "14 -> 12 -> pool -> 6, and fc1 reads 16 x 6 x 6 = 576.",
    400: "wrong flatten size: fc1 reads 16 x 5 x 5 = 400 numbers, what conv1 and conv2 without padding lead to; with "
         "padding=1 they keep 28 x 28, and fc1 reads 16 x 6 x 6 = 576.",
    2304: "wrong flatten size: 16 x 12 x 12 = 2304 is conv3's output before the second pooling: pool after conv3 too.",
    2704: "wrong flatten size: 16 x 13 x 13 = 2704 means one pooling is missing after conv2: the table pools after "
          "conv2 and after conv3.",
    8: "wrong flatten size: fc1 reads the channels only; flatten (16, 6, 6) into 576 numbers.",
}


def table_forward(net: nn.Module, x: torch.Tensor, mistake: str = "") -> torch.Tensor:
    """The table's forward pass with `net`'s layers, or with one known mistake made."""
    def relu(t: torch.Tensor, after: str) -> torch.Tensor:
        return t if mistake == f"no relu {after}" else torch.relu(t)

    x = relu(net.conv1(x), "conv1")
    if mistake == "pool after conv1":
        x = F.max_pool2d(x, 2)
    x = relu(net.conv2(x), "conv2")
    if mistake != "pool after conv1":
        x = F.max_pool2d(x, 2)
    x = F.max_pool2d(relu(net.conv3(x), "conv3"), 2)
    x = relu(net.fc1(x.flatten(1)), "fc1")
    x = net.fc2(x)
    return torch.softmax(x, dim=1) if mistake == "softmax" else x


FORWARD_MISTAKES = {
    **{f"no relu {layer}": f"ReLU missing after {layer}: the table has a ReLU after every layer but the last."
       for layer in ("conv1", "conv2", "conv3", "fc1")},
    "pool after conv1": "pooling after the wrong layer: the first pooling comes after conv2 (and its ReLU), not after "
                        "conv1; the shapes still fit, the numbers do not.",
    "softmax": "your net ends with a softmax: the table's last layer is fc2, return its raw scores (logits); "
               "CrossEntropyLoss applies log-softmax itself.",
}


def reference_table_net(num_classes: int, seed: int) -> nn.Module:
    """The table as a module: the same layers under the same names, seeded."""
    torch.manual_seed(seed)
    net = nn.Module()
    net.conv1 = nn.Conv2d(1, 8, 3, padding=1)
    net.conv2 = nn.Conv2d(8, 8, 3, padding=1)
    net.conv3 = nn.Conv2d(8, 16, 3)
    net.fc1 = nn.Linear(576, 64)
    net.fc2 = nn.Linear(64, num_classes)
    return net


def check_table_names(net: Any, num_classes: int, case: Case) -> dict[str, tuple[int, ...]]:
    expect(isinstance(net, nn.Module), f"TableNet({num_classes}) is not an nn.Module: subclass nn.Module and call "
                                       f"super().__init__() first.", case)
    state = net.state_dict()
    shapes = {name: tuple(t.shape) for name, t in state.items()}
    wanted = table_shapes(num_classes)
    missing = [name for name in wanted if name not in shapes]
    extra = [name for name in shapes if name not in wanted]
    expect(not missing and not extra,
           f"your net's parameters are {', '.join(shapes) or 'none'}; the table's are {', '.join(wanted)}"
           + (f" (missing: {', '.join(missing)})" if missing else "") + (f" (not in the table: {', '.join(extra)})"
                                                                          if extra else "")
           + ". Give each named layer its own attribute, self.conv1 = ..., self.fc1 = ...", case)
    return shapes


def check_table_shapes(shapes: dict[str, tuple[int, ...]], num_classes: int, case: Case) -> None:
    for name, shape in table_shapes(num_classes).items():
        mistake = FLATTEN_MISTAKES.get(shapes[name][1]) if name == "fc1.weight" and len(shapes[name]) == 2 else None
        expect(shapes[name] == shape, f"{name} has shape {shapes[name]}; the table's layer has {shape}.", case,
               mistake=mistake)


def check_table_layers(net: Any, case: Case, g: torch.Generator) -> None:
    """Each named layer on its own: the output shape the table gives it."""
    for name, given, made in TABLE_LAYERS:
        x = torch.randn(2, *given, generator=g)
        got = call_learner(getattr(net, name), Case(f"{case.description}: {name} on its own", x=x))
        expect(isinstance(got, torch.Tensor) and tuple(got.shape) == (2, *made),
               f"{name} on a batch of 2 of shape {given} gives "
               f"{tuple(got.shape) if isinstance(got, torch.Tensor) else describe_value(got)}; the table says "
               f"(2, {', '.join(map(str, made))}).", case, mistake=PADDING_FIX.get(name))


def check_table_net(learner: ModuleType) -> str:
    g = torch.Generator().manual_seed(4)
    checked = 0
    for num_classes, seed in ((10, 0), (3, 1)):
        # TableNet() for 10 classes: the default
        case = Case("TableNet()") if num_classes == 10 else Case(f"TableNet({num_classes})", num_classes=num_classes)
        net = call_learner(learner.TableNet, case)
        shapes = check_table_names(net, num_classes, case)
        check_table_layers(net, case, g)
        check_table_shapes(shapes, num_classes, case)
        reference = reference_table_net(num_classes, seed)
        net.load_state_dict(reference.state_dict())
        for batch in (1, 5):
            x = torch.randn(batch, 1, 28, 28, generator=g)
            run = Case(f"TableNet({num_classes}) with the reference's weights, a batch of {batch} random images", x=x)
            with torch.no_grad():
                expected = table_forward(reference, x)
                wrong = {message: table_forward(reference, x, mistake) for mistake, message in FORWARD_MISTAKES.items()}
            got = call_learner(net, run)
            expect(not isinstance(got, torch.Tensor) or got.dim() != 1 or got.numel() != expected.numel(),
                   f"your net's output has shape {tuple(got.shape)}; the table's is {tuple(expected.shape)}.", run,
                   mistake="the batch axis was flattened too (x.flatten() or x.view(-1)): flatten all but the batch "
                           "axis, x.flatten(1), so that a batch of B images gives (B, 576).")
            expect_close(got, expected, run, atol=1e-5, rtol=1e-5, what="your net's output", mistakes=wrong)
            checked += 1
    return (f"TableNet(10) and TableNet(3): parameter names and shapes, each layer's output shape and {checked} "
            f"forward passes with the reference's weights matched the table.")
