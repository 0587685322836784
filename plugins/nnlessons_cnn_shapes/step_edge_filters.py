"""Step 8: hand-made edge filters beside step 7's random ones, on the same drawn digit.

Step 7's filters are a freshly initialised Conv2d: random weights, never trained. Whatever they
seem to pick out is chance. A filter made to mean something shows the difference: an edge filter
has weights that sum to 0, so on a flat patch of the image it outputs 0 whatever the patch's value,
and it answers only where the brightness changes in its direction. A random filter's weights do
not sum to 0: on a flat patch of value v it gives v * (sum of weights) + bias, which is 0 without
the bias only at v = 0. The drawn digit's flat patches are all background (0), so the step also
tries flat patches of other values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F

from nnlessons_cnn_shapes.plots import feature_map_figure
from nnlessons_cnn_shapes.report import Claim, grid_text, number_text
from nnlessons_cnn_shapes.step_feature_maps import IMAGE_SIZE, KERNEL, digit_feature_maps, random_conv

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext

EDGES_FIGURE = "feature_maps_edges.png"
#: float32 rounding: +-v summed over 25 weights cancels to 0 exactly for v = 0 or 1, to ~1e-7 for other v
FLAT_TOLERANCE = 1e-6
#: Values of the flat 5x5 windows the filters are tried on: the background (0), two greys and full ink (1). The drawn
#: digit's own flat windows are all background, where any filter without a bias gives 0.
FLAT_LEVELS = (0.0, 0.25, 0.5, 1.0)


def edge_filters() -> dict[str, torch.Tensor]:
    """Three 5x5 filters of -1, 0 and 1 summing to 0: brightness growing downwards, to the right, across the diagonal.

    :return: name -> (5, 5) float32 on the CPU.
    """
    steps = torch.arange(KERNEL, dtype=torch.float32) - KERNEL // 2  # -2 -1 0 1 2
    downwards = steps.sign()[:, None].expand(KERNEL, KERNEL)  # rows above -1, rows below +1
    diagonal = (steps[None, :] - steps[:, None]).sign()  # +1 above the main diagonal, -1 below
    return {"horizontal edge": downwards.contiguous(), "vertical edge": downwards.T.contiguous(),
            "diagonal edge": diagonal}


def uniform_windows(image: torch.Tensor) -> torch.Tensor:
    """(24, 24) bool: True where the 5x5 window under a filter is flat (all its pixels equal)."""
    windows = image.unfold(0, KERNEL, 1).unfold(1, KERNEL, 1)  # (24, 24, 5, 5)
    return windows.amax(dim=(2, 3)) == windows.amin(dim=(2, 3))


def filter_row(name: str, maps: torch.Tensor, flat: torch.Tensor) -> tuple[str, str, float, float]:
    """One table row: the filter, its outputs on the flat windows, the share of exact zeros, its largest |output|."""
    on_flat = maps[flat]
    flat_range = f"{on_flat.min().item():.3g} .. {on_flat.max().item():.3g}" if on_flat.numel() else "no flat window"
    return (name, flat_range, (maps.abs() < FLAT_TOLERANCE).float().mean().item(), maps.abs().max().item())


def flat_window_outputs(weight: torch.Tensor, levels: tuple[float, ...]) -> torch.Tensor:
    """Each filter's output, bias left out, on a flat 5x5 window of each value in `levels`.

    :param weight: (F, 1, 5, 5) filters.
    :return: (F, L) on weight's device.
    """
    values = torch.tensor(levels, dtype=weight.dtype, device=weight.device)  # (L,)
    windows = values[:, None, None, None].expand(len(levels), 1, KERNEL, KERNEL)  # (L, 1, 5, 5), every pixel v
    return F.conv2d(windows, weight)[:, :, 0, 0].T  # (L, F, 1, 1) -> (F, L)


def values_text(values: list[float]) -> str:
    return ", ".join(number_text(v) for v in values)


def run_edge_filters_step(ctx: RunContext) -> tuple[dict[str, Any], list[Claim]]:
    """Convolve the digit with the hand-made filters; compare them with step 7's random filters on flat windows."""
    ctx.heading("8. Hand-made edge filters beside the random ones")
    image, random_maps, _ = digit_feature_maps(ctx)  # step 7's digit and maps, drawn again from the same seed
    conv = random_conv(ctx)  # step 7's layer: the same seed draws the same filters
    filters = edge_filters()
    weight = torch.stack(list(filters.values()))[:, None].to(ctx.device)  # (3, 1, 5, 5)
    shown_random = min(3, random_maps.shape[1])
    random_weight, random_bias = conv.weight.detach()[:shown_random], conv.bias.detach()[:shown_random]  # (R,1,5,5), (R,)
    with torch.no_grad():
        maps = F.conv2d(image.view(1, 1, IMAGE_SIZE, IMAGE_SIZE), weight)[0]  # (3, 24, 24), no bias
        edge_on_levels = flat_window_outputs(weight, FLAT_LEVELS)  # (3, L)
        random_on_levels = flat_window_outputs(random_weight, FLAT_LEVELS)  # (R, L), bias left out
    flat = uniform_windows(image)  # (24, 24)
    flat_values = sorted(set(image.unfold(0, KERNEL, 1).unfold(1, KERNEL, 1)[..., 0, 0][flat].tolist()))
    ctx.table("Hand-made 5x5 filters (each sums to 0)", list(filters), [tuple(grid_text(w) for w in filters.values())])

    # 1. On flat windows of every value: a filter's output there is v * (sum of its weights).
    levels = torch.tensor(FLAT_LEVELS, device=ctx.device)  # (L,)
    names = [*filters, *(f"random {k} of step 7" for k in range(shown_random))]
    weight_sums = torch.cat([weight.sum(dim=(1, 2, 3)), random_weight.sum(dim=(1, 2, 3))])  # (3 + R,)
    outputs = torch.cat([edge_on_levels, random_on_levels])  # (3 + R, L)
    level_columns = [f"v={number_text(v)}" for v in FLAT_LEVELS]
    formula_diff = float((outputs - weight_sums[:, None] * levels[None, :]).abs().max())
    ctx.table(
        "Flat 5x5 windows whose pixels all have one value v: each filter's output, bias left out",
        ["filter", "sum of weights", *level_columns],
        [(name, total, *row) for name, total, row in zip(names, weight_sums.tolist(), outputs.tolist())],
        formats=dict.fromkeys(["sum of weights", *level_columns], ".4g"),
        caption=f"on a flat window the output is v * (sum of the weights): largest difference from that formula "
        f"{formula_diff:.2g}. An edge filter's weights sum to 0, so it gives 0 at every v; a random filter's do not, "
        "so it gives 0 only at v = 0, where every filter without a bias gives 0",
    )
    nonzero = [i for i, v in enumerate(FLAT_LEVELS) if v != 0]
    edge_any_level = float(edge_on_levels.abs().max())
    random_nonzero_level = float(random_on_levels[:, nonzero].abs().min())
    random_background = float(random_on_levels[:, [i for i, v in enumerate(FLAT_LEVELS) if v == 0]].abs().max())

    # 2. On the drawn digit, whose flat windows are the ones it happens to have.
    rows = [filter_row(name, m, flat) for name, m in zip(filters, maps)]
    rows += [filter_row(f"random filter {k} of step 7", random_maps[0, k], flat) for k in range(shown_random)]
    ctx.table(
        f"The filters on the drawn '{ctx.params.digit}': {int(flat.sum())} of its {flat.numel()} windows are flat, "
        f"of value v = {values_text(flat_values)}",
        ["filter", "output on flat windows", "share of outputs that are 0", "max |output|"],
        rows,
        caption="the random filters with their bias, as step 7's layer computes them: v * (sum of weights) + bias",
    )
    # the random filters' maps on the digit's flat windows: v * (sum of weights) + bias, v read from each window
    window_value = image.unfold(0, KERNEL, 1).unfold(1, KERNEL, 1)[..., 0, 0]  # (24, 24), the value of a flat window
    expected = window_value[flat][None, :] * random_weight.sum(dim=(1, 2, 3))[:, None] + random_bias[:, None]  # (R, n)
    digit_formula_diff = float((random_maps[0, :shown_random][:, flat] - expected).abs().max()) if flat.any() else 0.0
    if flat_values == [0.0]:
        ctx.console.print(f"Every flat window of the drawn '{ctx.params.digit}' is background (v = 0). There any filter "
                          "without a bias gives 0, random or not, so the digit alone cannot tell an edge filter from "
                          "a random one; a random filter gives only its bias. The flat windows of value "
                          f"{values_text([FLAT_LEVELS[i] for i in nonzero])} above do tell them apart: there the edge "
                          f"filters still give 0 (largest |output| {edge_any_level:.2g}) and the random ones do not "
                          f"(smallest |output| {random_nonzero_level:.3g}).")
    ctx.console.print("Step 7's filters are random: the layer's initial weights, never trained, so any stroke they "
                      "seem to follow is chance. A filter that detects something is made by hand, like these, or "
                      f"learned in training. {EDGES_FIGURE} shows where each edge filter answers on the same digit.")
    ctx.save_figure(feature_map_figure(image, maps, "after 3 hand-made edge filters (5x5, no bias)",
                                       float(maps.abs().max())), EDGES_FIGURE, caption=(
        f"The drawn '{ctx.params.digit}' (top) and what the {', '.join(filters)} filters (left to right; weights -1, 0 "
        "and 1 summing to 0) make of it (bottom): white (0) wherever the 5x5 window under the filter is flat, red "
        "or blue where the brightness changes under it."))
    edge_flat = float(maps[:, flat].abs().max()) if flat.any() else float("nan")
    levels_text = values_text(list(FLAT_LEVELS))
    metrics = {
        "flat_levels": list(FLAT_LEVELS),
        "flat_window_formula_max_abs_diff": formula_diff,
        "edge_filters_max_abs_on_flat_levels": edge_any_level,
        "random_filters_no_bias_min_abs_on_nonzero_flat": random_nonzero_level,
        "random_filters_no_bias_max_abs_on_background": random_background,
        "edge_filters_flat_windows": int(flat.sum()),
        "digit_flat_window_values": flat_values,
        "edge_filters_max_abs_on_flat": edge_flat,
        "random_filters_on_digit_flat_formula_max_abs_diff": digit_formula_diff,
    }
    claims = [
        Claim("on a flat window of value v a filter gives v * (sum of its weights), bias left out", formula_diff,
              f"< {FLAT_TOLERANCE:g}", formula_diff < FLAT_TOLERANCE),
        Claim(f"edge filters output 0 on a flat window of any value (v = {levels_text})", edge_any_level,
              f"< {FLAT_TOLERANCE:g}", edge_any_level < FLAT_TOLERANCE),
        Claim("step 7's random filters, bias left out, do not (every v != 0)", random_nonzero_level, "> 0",
              random_nonzero_level > 0),
        Claim("at v = 0 every filter without a bias gives 0, random ones too", random_background, "0",
              random_background == 0),
        Claim(f"edge filters output 0 on every flat window of the drawn '{ctx.params.digit}'", edge_flat,
              f"< {FLAT_TOLERANCE:g}", edge_flat < FLAT_TOLERANCE),
        Claim("step 7's random filters give v * (sum of weights) + bias there", digit_formula_diff,
              f"< {FLAT_TOLERANCE:g}", digit_formula_diff < FLAT_TOLERANCE),
    ]
    return metrics, claims
