"""Step 8: hand-made edge filters beside step 7's random ones, on the same drawn digit.

Step 7's filters are a freshly initialised Conv2d: random weights, never trained. Whatever they
seem to pick out is chance. A filter made to mean something shows the difference: an edge filter
has weights that sum to 0, so on a flat patch of the image it outputs 0, and it answers
only where the brightness changes in its direction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F

from nnlessons_cnn_shapes.plots import feature_map_figure
from nnlessons_cnn_shapes.report import Claim, grid_text
from nnlessons_cnn_shapes.step_feature_maps import IMAGE_SIZE, KERNEL, digit_feature_maps

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext

EDGES_FIGURE = "feature_maps_edges.png"
#: float32 rounding: +-v summed over 25 weights cancels to 0 exactly for v = 0 or 1, to ~1e-7 for other v
FLAT_TOLERANCE = 1e-6


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


def run_edge_filters_step(ctx: RunContext) -> tuple[dict[str, Any], list[Claim]]:
    """Convolve the digit with the hand-made filters; compare them with step 7's first random filters on flat patches."""
    ctx.heading("8. Hand-made edge filters beside the random ones")
    image, random_maps, _ = digit_feature_maps(ctx)  # step 7's digit and maps, drawn again from the same seed
    filters = edge_filters()
    weight = torch.stack(list(filters.values()))[:, None].to(ctx.device)  # (3, 1, 5, 5)
    with torch.no_grad():
        maps = F.conv2d(image.view(1, 1, IMAGE_SIZE, IMAGE_SIZE), weight)[0]  # (3, 24, 24), no bias
    flat = uniform_windows(image)  # (24, 24)
    ctx.table("Hand-made 5x5 filters (each sums to 0)", list(filters), [tuple(grid_text(w) for w in filters.values())])
    shown_random = min(3, random_maps.shape[1])
    rows = [filter_row(name, m, flat) for name, m in zip(filters, maps)]
    rows += [filter_row(f"random filter {k} of step 7", random_maps[0, k], flat) for k in range(shown_random)]
    ctx.table(
        f"The filters on the drawn '{ctx.params.digit}': {int(flat.sum())} of its {flat.numel()} windows are flat",
        ["filter", "output on flat windows", "share of outputs that are 0", "max |output|"],
        rows,
        caption="on a flat window every pixel has the same value v, so a filter outputs v * (sum of its weights) "
        "+ bias: 0 for an edge filter, on the blank background (v = 0) a random filter's bias",
    )
    ctx.console.print("Step 7's filters are random: the layer's initial weights, never trained, so any stroke they "
                      "seem to follow is chance. A filter that detects something is made by hand, like these, or "
                      f"learned in training. {EDGES_FIGURE} shows where each edge filter answers on the same digit.")
    ctx.save_figure(feature_map_figure(image, maps, "after 3 hand-made edge filters (5x5, no bias)",
                                       float(maps.abs().max())), EDGES_FIGURE, caption=(
        f"The drawn '{ctx.params.digit}' (top) and what the {', '.join(filters)} filters (left to right; weights -1, 0 "
        "and 1 summing to 0) make of it (bottom): white (0) wherever the 5x5 window under the filter is flat, red "
        "or blue where the brightness changes under it."))
    edge_flat = float(maps[:, flat].abs().max()) if flat.any() else float("nan")
    random_flat = float(random_maps[0, :shown_random][:, flat].abs().min()) if flat.any() else float("nan")
    metrics = {
        "edge_filters_flat_windows": int(flat.sum()),
        "edge_filters_max_abs_on_flat": edge_flat,
        "random_filters_min_abs_on_flat": random_flat,
    }
    claims = [
        Claim("edge filters output 0 on every flat window", edge_flat, f"< {FLAT_TOLERANCE:g}", edge_flat < FLAT_TOLERANCE),
        Claim("step 7's random filters do not (their bias on the background)", random_flat, "> 0", random_flat > 0),
    ]
    return metrics, claims
