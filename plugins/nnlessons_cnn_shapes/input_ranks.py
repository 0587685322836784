"""Which inputs Conv2d takes: a batch (N, C, H, W) or one unbatched image (C, H, W), never a bare (H, W) grid."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from nnlessons_cnn_shapes.by_hand import max_abs_diff
from nnlessons_cnn_shapes.report import Claim, shape_text

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext

#: The three ways to hand a single-channel grid to Conv2d, as (name, how to make it from the (H, W) grid).
LAYOUTS = (
    ("bare grid (H, W)", "grid"),
    ("one unbatched image (C, H, W)", "grid.view(1, H, W)"),
    ("a batch of one (N, C, H, W)", "grid.view(1, 1, H, W)"),
)

#: LeNet's last feature maps, 16@5x5, as one unbatched image: what Flatten makes of them.
UNBATCHED_MAPS = (16, 5, 5)


def conv_on_each_layout(conv: nn.Conv2d, grid: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor | str]]:
    """Run `conv` on the (H, W) grid as 2-D, 3-D and 4-D input: (input, output or PyTorch's error message) each."""
    height, width = grid.shape
    results = []
    for tensor in (grid, grid.view(1, height, width), grid.view(1, 1, height, width)):
        try:
            with torch.no_grad():
                results.append((tensor, conv(tensor)))
        except RuntimeError as error:
            results.append((tensor, str(error).splitlines()[0]))
    return results


def flatten_unbatched(device: torch.device) -> torch.Tensor:
    """nn.Flatten on one unbatched (16, 5, 5) image: its start_dim=1 takes the channel axis for the batch axis."""
    return nn.Flatten()(torch.zeros(*UNBATCHED_MAPS, device=device))


def show_input_ranks(ctx: RunContext, grid: torch.Tensor, kernel: torch.Tensor) -> tuple[dict[str, Any], list[Claim]]:
    """Conv2d(1, 1, 3) with the note's kernel on the note's grid in each layout; then Flatten's catch."""
    conv = nn.Conv2d(1, 1, kernel_size=kernel.shape[-1], bias=False).to(ctx.device)
    with torch.no_grad():
        conv.weight.copy_(kernel)  # (1, 1, 3, 3)
    results = conv_on_each_layout(conv, grid)
    ctx.table(
        "What Conv2d(1, 1, 3) accepts",
        ["input", "made with", "shape", "Conv2d gives"],
        [(name, code, shape_text(tensor), shape_text(out) if isinstance(out, torch.Tensor) else f"error: {out}")
         for (name, code), (tensor, out) in zip(LAYOUTS, results)],
        caption="PyTorch reads a 3-D input as one image without a batch axis and a 4-D input as a batch; "
        "a 2-D input has no channel axis and is refused",
    )
    (_, bare), (_, unbatched), (_, batched) = results
    refused = isinstance(bare, str)
    same = max_abs_diff(unbatched, batched[0]) if isinstance(unbatched, torch.Tensor) else float("inf")
    flat = flatten_unbatched(ctx.device)
    ctx.console.print(f"The catch: nn.Flatten() starts at dim 1 because dim 0 is the batch. On one unbatched "
                      f"{list(UNBATCHED_MAPS)} image it gives {shape_text(flat)}, not [400]: it took the 16 channels "
                      "for 16 images. Keep the batch axis through a whole network, or flatten with start_dim=0.")
    metrics = {
        "conv_refuses_2d_input": int(refused),
        "conv_unbatched_output_shape": dict(zip("chw", unbatched.shape)) if isinstance(unbatched, torch.Tensor) else {},
        "conv_unbatched_vs_batched_diff": same,
        "flatten_unbatched_shape": dict(zip(("rows", "columns"), flat.shape)),
    }
    claims = [
        Claim("Conv2d refuses a bare 2-D (H, W) grid", "raises" if refused else "runs", "raises", refused),
        Claim("Conv2d accepts one unbatched (C, H, W) image", shape_text(unbatched) if not isinstance(unbatched, str)
              else "raises", "[1, 3, 3]", isinstance(unbatched, torch.Tensor) and tuple(unbatched.shape) == (1, 3, 3)),
        Claim("unbatched output == the batch of one's output [0]", same, "0", same == 0),
        Claim("Flatten on an unbatched (16, 5, 5) gives [16, 25]", shape_text(flat), "[16, 25]",
              tuple(flat.shape) == (16, 25)),
    ]
    return metrics, claims
