"""How the lesson shows things: small tensors as table cells, and the closing table of checked claims."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext


@dataclass(frozen=True)
class Claim:
    """Something the lesson says, the number that backs it, and whether that number agrees."""

    text: str
    measured: Any
    expected: str
    holds: bool


def grid_text(values: torch.Tensor) -> str:
    """A 2-D tensor as rows of numbers, one text line per row (integers without '.0')."""
    rows = []
    for row in values.detach().cpu().tolist():
        rows.append(" ".join(number_text(v) for v in row))
    return "\n".join(rows)


def number_text(value: float) -> str:
    """3.0 -> '3', 2.5 -> '2.5', -0.0 -> '0', inf -> 'inf'."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4g}"


def shape_text(tensor: torch.Tensor) -> str:
    """[1, 10, 98, 98]."""
    return str(list(tensor.shape))


def print_claims(ctx: RunContext, claims: list[Claim]) -> int:
    """Print every claim with its measured value; return how many do NOT hold."""
    ctx.table(
        "Every claim of this lesson, computed",
        ["claim", "measured", "expected", "holds"],
        [(c.text, c.measured, c.expected, "yes" if c.holds else "NO") for c in claims],
    )
    return sum(not c.holds for c in claims)
