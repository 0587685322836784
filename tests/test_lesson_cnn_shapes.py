"""cnn-shapes: the hand-written loops, the formula and the lesson's claims, with PyTorch as the oracle."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F
from click.testing import CliRunner

from nnlessons import LessonInputError
from nnlessons.cli import cli
from nnlessons.drawn_digit import draw_digit
from nnlessons_cnn_shapes.by_hand import (
    conv2d_by_hand,
    max_abs_diff,
    max_pool2d_by_hand,
    window_channel_sums,
)
from nnlessons_cnn_shapes.examples import (
    RGB_BIAS,
    RGB_FILTER,
    as_tensor,
    note002_input,
    note002_kernel,
    rgb_image_padded_hwc,
    try_note002_weight_line,
)
from nnlessons_cnn_shapes.formula import ShapeCase, conv_output_size, parse_user_cases, random_cases, table_cases
from nnlessons_cnn_shapes.input_ranks import conv_on_each_layout, flatten_unbatched
from nnlessons_cnn_shapes.lenet import build_lenet, lenet_params_by_formula, lenet_stages_by_formula
from nnlessons_cnn_shapes.original_lenet import (
    C3_INPUTS,
    c3_params,
    c5_as_convolution,
    modern_layers,
    original_layers,
    pool2_output,
)
from nnlessons_cnn_shapes.plots import tile_maps
from nnlessons_cnn_shapes.report import Claim, print_claims
from nnlessons_cnn_shapes.step_edge_filters import FLAT_LEVELS, edge_filters, flat_window_outputs, uniform_windows
from nnlessons_cnn_shapes.step_random_checks import compare_once, draw_setting

CPU = torch.device("cpu")


# ---- the hand-written loops against PyTorch ------------------------------------------------


@pytest.mark.parametrize(
    ("stride", "padding", "kernel", "with_bias"),
    [(1, 0, (3, 3), True), (2, 0, (3, 3), True), (1, 1, (3, 3), False), (2, 1, (2, 4), True),
     (3, 2, (5, 1), True), (1, 0, (1, 1), False), (3, 0, (4, 4), True)],
)
def test_conv2d_by_hand_matches_f_conv2d(stride, padding, kernel, with_bias):
    gen = torch.Generator().manual_seed(stride * 100 + padding * 10 + kernel[0])
    x = torch.randn(2, 3, 11, 9, generator=gen)  # (N, C, H, W)
    weight = torch.randn(4, 3, *kernel, generator=gen)  # (O, C, KH, KW)
    bias = torch.randn(4, generator=gen) if with_bias else None
    expected = F.conv2d(x, weight, bias, stride=stride, padding=padding)
    got = conv2d_by_hand(x, weight, bias, stride=stride, padding=padding)
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-5)


def test_conv2d_by_hand_is_exact_on_note002_and_gives_its_numbers():
    x, kernel = note002_input(CPU), note002_kernel(CPU)
    got = conv2d_by_hand(x, kernel)
    assert torch.equal(got, F.conv2d(x, kernel))
    assert got[0, 0].tolist() == [[24, 18, 8], [26, 18, 8], [28, 18, 8]]


def test_conv2d_by_hand_would_catch_a_wrong_loop():
    """The comparison is sensitive: a flipped kernel (true convolution) does not match F.conv2d."""
    x, kernel = note002_input(CPU), note002_kernel(CPU)
    flipped = conv2d_by_hand(x, kernel.flip(-1, -2))
    assert max_abs_diff(flipped, F.conv2d(x, kernel)) > 0


def test_conv2d_by_hand_rejects_mismatched_channels():
    with pytest.raises(ValueError, match="3 channels"):
        conv2d_by_hand(torch.zeros(1, 3, 5, 5), torch.zeros(1, 2, 3, 3))


@pytest.mark.parametrize(("kernel", "stride", "padding"), [(2, 2, 0), (2, 2, 1), (3, 1, 1), (3, 2, 0), (4, 3, 2), (2, 1, 0)])
def test_max_pool2d_by_hand_matches_f_max_pool2d(kernel, stride, padding):
    x = torch.randn(2, 3, 9, 7, generator=torch.Generator().manual_seed(kernel + 10 * stride))
    expected = F.max_pool2d(x, kernel, stride=stride, padding=padding)
    assert torch.equal(max_pool2d_by_hand(x, kernel, stride, padding), expected)


def test_max_pool_stride_defaults_to_kernel_like_pytorch():
    x = torch.randn(1, 1, 8, 8, generator=torch.Generator().manual_seed(3))
    assert torch.equal(max_pool2d_by_hand(x, 2), F.max_pool2d(x, 2))


def test_zero_padding_in_max_pool_differs_on_negative_inputs():
    negative = -F.conv2d(note002_input(CPU), note002_kernel(CPU))
    by_torch = F.max_pool2d(negative, 2, stride=2, padding=1)
    zero_padded = max_pool2d_by_hand(negative, 2, 2, 1, pad_value=0.0)
    assert by_torch[0, 0].tolist() == [[-24, -8], [-26, -8]]
    assert zero_padded[0, 0].tolist() == [[0, 0], [0, -8]]


def test_max_abs_diff_refuses_different_shapes():
    with pytest.raises(ValueError, match="shapes differ"):
        max_abs_diff(torch.zeros(2, 2), torch.zeros(4))


def test_random_comparisons_repeat_with_the_seed():
    def run(seed: int):
        gen = torch.Generator().manual_seed(seed)
        return [(draw_setting(gen), compare_once(draw_setting(gen), gen, CPU)) for _ in range(3)]

    first, again, other = run(7), run(7), run(8)
    assert first == again
    assert [s for s, _ in first] != [s for s, _ in other]
    assert all(diffs[0] < 1e-5 and diffs[1] == 0 for _, diffs in first)


def test_print_claims_counts_the_claims_that_fail():
    class TableSink:
        rows: list = []

        def table(self, title, columns, rows, **kwargs):
            self.rows = rows

    sink = TableSink()
    claims = [Claim("holds", 0, "0", True), Claim("broken", 1, "0", False)]
    assert print_claims(sink, claims) == 1
    assert [row[-1] for row in sink.rows] == ["yes", "NO"]


# ---- note 000's colour example -----------------------------------------------------------------


def test_rgb_channel_sums_reproduce_note000():
    hwc = rgb_image_padded_hwc(CPU)  # (7, 7, 3)
    assert hwc.shape == (7, 7, 3)
    x = hwc.permute(2, 0, 1).unsqueeze(0)  # (1, 3, 7, 7)
    weight = as_tensor(RGB_FILTER, CPU).unsqueeze(0)  # (1, 3, 3, 3)
    sums = window_channel_sums(x[0], weight[0], top=0, left=0)
    assert sums.tolist() == [0, 2, 0]
    bias = torch.tensor([RGB_BIAS])
    by_torch = F.conv2d(x, weight, bias, stride=2)
    assert by_torch[0, 0, 0, 0].item() == sums.sum().item() + RGB_BIAS == 3
    for i in range(3):
        for j in range(3):
            cell = window_channel_sums(x[0], weight[0], top=2 * i, left=2 * j).sum() + RGB_BIAS
            assert cell.item() == by_torch[0, 0, i, j].item()


def test_hwc_reshape_is_not_permute():
    hwc = rgb_image_padded_hwc(CPU)
    assert not torch.equal(hwc.reshape(3, 7, 7), hwc.permute(2, 0, 1))


def test_note002_weight_line_really_fails():
    message = try_note002_weight_line(CPU)
    assert message is not None and "floating point" in message


# ---- the formula --------------------------------------------------------------------------------


def test_formula_matches_pytorch_on_every_small_case(one_cpu_thread):
    checked = 0
    for size in range(1, 11):
        for padding in range(0, 3):
            for kernel in range(1, size + 2 * padding + 1):
                for stride in range(1, 4):
                    x = torch.zeros(1, 1, size, size + 1)
                    w = torch.zeros(1, 1, kernel, kernel)
                    out = F.conv2d(x, w, stride=stride, padding=padding)
                    assert out.shape[-2] == conv_output_size(size, kernel, padding, stride)
                    assert out.shape[-1] == conv_output_size(size + 1, kernel, padding, stride)
                    if 2 * padding <= kernel:
                        pooled = F.max_pool2d(x, kernel, stride=stride, padding=padding)
                        assert pooled.shape[-2] == conv_output_size(size, kernel, padding, stride)
                    checked += 1
    assert checked > 600


def test_table_cases_cover_stride_padding_and_uneven_fit():
    cases = table_cases()
    assert any(c.stride == 2 for c in cases)
    assert any(c.padding > 0 for c in cases)
    assert any(c.leftover > 0 for c in cases)  # a kernel that does not fit evenly
    assert ShapeCase(7, 3, 0, 3).leftover == 1 and conv_output_size(7, 3, 0, 3) == 2


def test_random_cases_always_fit_and_repeat_with_the_seed():
    first = random_cases(50, torch.Generator().manual_seed(5))
    again = random_cases(50, torch.Generator().manual_seed(5))
    assert first == again
    for height, width, case_h, case_w in first:
        assert case_h.kernel <= height + 2 * case_h.padding
        assert case_w.kernel <= width + 2 * case_w.padding


def test_parse_user_cases_reads_several():
    cases = parse_user_cases("13,4,1,3; 9, 2, 0, 2 ;")
    assert [(c.size, c.kernel, c.padding, c.stride) for c in cases] == [(13, 4, 1, 3), (9, 2, 0, 2)]
    assert parse_user_cases("") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [("13,4,1", "not four whole numbers"), ("a,b,c,d", "not four whole numbers"), ("1.5,3,0,1", "not four whole numbers"),
     ("5,3,0,0", "S >= 1"), ("0,3,1,1", "1 <= W"), ("5,3,-1,1", "P >= 0"), ("5,9,1,1", "does not fit")],
)
def test_parse_user_cases_rejects_bad_text(text, message):
    with pytest.raises(LessonInputError, match=message):
        parse_user_cases(text)


# ---- LeNet ---------------------------------------------------------------------------------------


def test_lenet_shapes_and_parameter_count():
    model = build_lenet()
    x = torch.zeros(1, 1, 32, 32)
    features = model[:6](x)  # up to pool2
    assert features.shape == (1, 16, 5, 5)  # not 6@5x5 as the note says
    assert model(x).shape == (1, 10)
    total = sum(p.numel() for p in model.parameters())
    assert total == 61706
    assert sum(count for _, _, count in lenet_params_by_formula()) == total
    assert [(c, s) for _, _, c, s in lenet_stages_by_formula(32)] == [(6, 28), (6, 14), (16, 10), (16, 5)]


# ---- the digit and the plots ------------------------------------------------------------------


def test_draw_digit_is_a_real_picture():
    seven, three = draw_digit("7"), draw_digit("3")
    assert seven.shape == (28, 28)
    assert 0.0 <= seven.min() and seven.max() == 1.0
    assert 0.05 < seven.mean() < 0.4  # strokes, not an empty or filled square
    assert seven[:3].sum() == 0 and seven[-3:].sum() == 0  # a margin like MNIST
    assert max_abs_diff(seven, three) > 0.5
    with pytest.raises(ValueError):
        draw_digit("8")


def test_tile_maps_separates_tiles_with_nan():
    maps = torch.arange(3 * 2 * 2, dtype=torch.float32).view(3, 2, 2)
    canvas = tile_maps(maps, per_row=2)
    assert canvas.shape == (5, 5)
    assert torch.equal(canvas[:2, :2], maps[0]) and torch.equal(canvas[:2, 3:], maps[1])
    assert torch.equal(canvas[3:, :2], maps[2])
    assert torch.isnan(canvas[2]).all() and torch.isnan(canvas[3:, 3:]).all()


# ---- the lesson through the CLI ---------------------------------------------------------------


def test_quick_run_checks_every_claim(run_lesson):
    record = run_lesson("cnn-shapes", "--case", "13,4,1,3")
    metrics = record["metrics"]
    assert record["status"] == "ok" and record["device"] == "cpu"
    assert metrics["claims_failed"] == 0 and metrics["claims_checked"] >= 20
    assert metrics["max_abs_diff_hand_vs_torch"] < 1e-4
    assert metrics["lenet_param_count"] == 61706 == metrics["lenet_param_count_by_formula"]
    assert metrics["lenet_pool2_shape"] == {"n": 1, "c": 16, "h": 5, "w": 5}
    assert metrics["lenet_flatten_features"] == 400
    assert metrics["formula_mismatches"] == 0
    assert metrics["formula_cases_checked"] >= 30 + len(table_cases()) + 1
    assert metrics["note002_flatten_values"] == {"0": 24.0, "1": 18.0, "2": 28.0, "3": 18.0}
    assert metrics["note002_weight_line_fails"] == 1
    assert metrics["rgb_channel_sums"] == {"R": 0.0, "G": 2.0, "B": 0.0}
    assert metrics["rgb_first_output"] == 3.0
    assert metrics["rgb_padding_equivalence_diff"] == 0 and metrics["diff_rgb"] == 0
    assert metrics["hwc_reshape_vs_permute_diff"] > 0
    assert metrics["pool_zero_padding_diff"] > 0
    assert metrics["conv_5_10_output_shape"] == {"n": 1, "c": 10, "h": 98, "w": 98}
    assert metrics["conv_5_10_weight_shape"] == {"out": 10, "in": 5, "kh": 3, "kw": 3}
    assert metrics["conv_5_10_param_count"] == 460
    assert metrics["conv_5_10_wide_output_shape"] == {"n": 1, "c": 10, "h": 98, "w": 58}
    assert metrics["feature_maps_shape"] == {"n": 1, "c": 32, "h": 24, "w": 24}
    assert metrics["pooled_maps_shape"] == {"n": 1, "c": 32, "h": 12, "w": 12}
    assert metrics["pooled_maps_mean"] > metrics["feature_maps_mean"]
    # Conv2d takes (C, H, W) as one image and refuses (H, W); Flatten then mistakes channels for the batch
    assert metrics["conv_refuses_2d_input"] == 1
    assert metrics["conv_unbatched_output_shape"] == {"c": 1, "h": 3, "w": 3}
    assert metrics["conv_unbatched_vs_batched_diff"] == 0
    assert metrics["flatten_unbatched_shape"] == {"rows": 16, "columns": 25}
    # the 1998 LeNet-5 beside the modern one; C5 on 5x5 maps is fc1
    assert metrics["lenet1998_trainable_params"] == 60_000 and metrics["lenet1998_c3_params"] == 1_516
    assert metrics["lenet_fc1_share"] == pytest.approx(48_120 / 61_706)
    assert metrics["diff_c5_as_conv"] < 1e-5
    # on flat windows of any value v the edge filters give 0 and step 7's random filters, bias left out, v * (their
    # weight sum): not 0 once v != 0. The digit's own flat windows are all background (v = 0), where any filter
    # without a bias gives 0, so the digit alone cannot separate them.
    assert metrics["flat_levels"] == [0.0, 0.25, 0.5, 1.0]
    assert metrics["flat_window_formula_max_abs_diff"] < 1e-6
    assert metrics["edge_filters_max_abs_on_flat_levels"] < 1e-6 < metrics["random_filters_no_bias_min_abs_on_nonzero_flat"]
    assert metrics["random_filters_no_bias_max_abs_on_background"] == 0
    assert metrics["edge_filters_flat_windows"] > 100 and metrics["digit_flat_window_values"] == [0.0]
    assert metrics["edge_filters_max_abs_on_flat"] < 1e-6
    assert metrics["random_filters_on_digit_flat_formula_max_abs_diff"] < 1e-6
    text = " ".join(record.output.split())
    assert (f"Every flat window of the drawn '7' is background (v = 0). There any filter without a bias gives 0, "
            "random or not") in text
    assert f"(smallest |output| {metrics['random_filters_no_bias_min_abs_on_nonzero_flat']:.3g})" in text
    check_page_against(metrics)
    pngs = sorted(p.rsplit("/", 1)[-1] for p in record["artifacts"] if p.endswith(".png"))
    assert pngs == ["feature_maps_conv.png", "feature_maps_edges.png", "feature_maps_pool.png"]
    for name in pngs:
        assert (record.out_dir / name).stat().st_size > 10_000


def check_page_against(metrics: dict) -> None:
    """The page's numbers are the run's: fc1's share, the two LeNet totals; and no 4-D-only claim."""
    import nnlessons_cnn_shapes

    page = " ".join(nnlessons_cnn_shapes.__doc__.split())
    assert f"{100 * metrics['lenet_fc1_share']:.0f}% of the parameters (48,120 of {metrics['lenet_param_count']:,})" in page
    assert (f"the original has {metrics['lenet1998_trainable_params']:,} trainable parameters against the modern "
            f"variant's {metrics['lenet_param_count']:,}") in page
    assert "almost all parameters" not in page and "wants a 4-D float tensor" not in page
    assert "modern variant of LeNet-5" in page and "random filters, never trained" in page
    assert "step 7's random filters give their bias there instead" not in page  # true of any filter without a bias
    assert "its flat windows are all background, v = 0" in page and metrics["digit_flat_window_values"] == [0.0]


# ---- the three new pieces: input ranks, the 1998 LeNet-5, edge filters ----------------------------


def test_conv2d_takes_3d_and_4d_input_and_refuses_2d():
    conv = torch.nn.Conv2d(1, 1, 3, bias=False)
    with torch.no_grad():
        conv.weight.copy_(note002_kernel(CPU))
    results = conv_on_each_layout(conv, note002_input(CPU)[0, 0])
    (bare, bare_out), (one, one_out), (batch, batch_out) = results
    assert tuple(bare.shape) == (5, 5) and isinstance(bare_out, str) and "3D (unbatched) or 4D (batched)" in bare_out
    assert tuple(one_out.shape) == (1, 3, 3) and torch.equal(one_out, batch_out[0])
    assert batch_out[0, 0].tolist() == [[24, 18, 8], [26, 18, 8], [28, 18, 8]]
    assert tuple(flatten_unbatched(CPU).shape) == (16, 25)


def test_c3_connection_table_is_the_papers():
    assert len(C3_INPUTS) == 16 and len(set(C3_INPUTS)) == 16
    assert sorted(map(len, C3_INPUTS)) == [3] * 6 + [4] * 9 + [6]
    for s2_map in range(6):  # every S2 map feeds 10 of the 16 C3 maps
        assert sum(s2_map in inputs for inputs in C3_INPUTS) == 10
    assert c3_params() == 60 * 25 + 16
    assert sum(params for *_, params in original_layers()) == 60_000  # the paper's "60,000 trainable parameters"


def test_c5_as_a_convolution_equals_fc1():
    torch.manual_seed(0)
    model = build_lenet()
    x = torch.randn(3, 1, 32, 32)
    assert tuple(pool2_output(model, x).shape) == (3, 16, 5, 5)
    assert c5_as_convolution(model, pool2_output(model, x)) < 1e-5
    assert [name for name, *_ in modern_layers(model)] == [name for name, *_ in original_layers()]
    assert sum(params for *_, params in modern_layers(model)) == 61_706


def test_edge_filters_sum_to_zero_and_ignore_flat_windows():
    filters = edge_filters()
    assert set(filters) == {"horizontal edge", "vertical edge", "diagonal edge"}
    for weight in filters.values():
        assert tuple(weight.shape) == (5, 5) and weight.sum().item() == 0 and set(weight.unique().tolist()) == {-1, 0, 1}
    image = torch.zeros(28, 28)
    image[10:, :] = 1.0  # a horizontal edge between rows 9 and 10
    flat = uniform_windows(image)
    assert flat.shape == (24, 24) and flat[:6].all() and flat[10:].all() and not flat[6:10].any()
    weight = torch.stack(list(filters.values()))[:, None]
    maps = F.conv2d(image.view(1, 1, 28, 28), weight)[0]
    assert maps[:, flat].abs().max() == 0  # flat windows of 0s and of 1s: the +-1 weights cancel exactly
    assert maps[0, 6:10].abs().min() > 0 and maps[1].abs().max() == 0  # the horizontal filter sees it, the vertical not


@pytest.mark.parametrize("value", [0.0, 0.25, 0.5, 1.0, -0.7, 3.3])
def test_on_a_flat_window_of_any_value_an_edge_filter_gives_0_and_a_random_one_does_not(value):
    """v * (sum of weights): 0 for the edge filters at every v; for random filters (no bias) only at v = 0."""
    edges = torch.stack(list(edge_filters().values()))[:, None]  # (3, 1, 5, 5)
    with torch.random.fork_rng():
        torch.manual_seed(3)
        random = torch.nn.Conv2d(1, 8, 5, bias=False).weight.detach()  # (8, 1, 5, 5)
    window = torch.full((1, 1, 5, 5), value)
    assert F.conv2d(window, edges).abs().max() < 1e-6
    by_conv = F.conv2d(window, random).flatten()  # (8,)
    assert torch.allclose(by_conv, value * random.sum(dim=(1, 2, 3)), atol=1e-6)
    assert bool(by_conv.abs().min() > 1e-4) is (value != 0)
    levels = (0.0, value) if value else (0.0,)
    outputs = flat_window_outputs(torch.cat([edges, random]), levels)  # the lesson's own helper: (11, L)
    assert tuple(outputs.shape) == (11, len(levels)) and torch.equal(outputs[:, 0], torch.zeros(11))
    assert torch.allclose(outputs[:, -1], F.conv2d(window, torch.cat([edges, random])).flatten())
    assert 0.0 in FLAT_LEVELS and any(v != 0 for v in FLAT_LEVELS)


@pytest.mark.parametrize(
    ("case", "message"),
    [("5,9,1,1", "does not fit in the padded input"), ("abc", "not four whole numbers")],
)
def test_bad_case_exits_with_code_2(tmp_path, case, message):
    argv = ["run", "cnn-shapes", "--device", "cpu", "--quick", "--out", str(tmp_path / "run"), "--case", case]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_plugin_import_does_not_load_torch():
    code = "import sys, nnlessons_cnn_shapes as m; m.nnlessons_lesson_info(); print(json.dumps('torch' in sys.modules))"
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) is False
