"""Step 1: the output-size formula next to the shape PyTorch returns, on chosen and on random cases."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from nnlessons_cnn_shapes.formula import (
    ShapeCase,
    conv_output_shape,
    conv_output_size,
    pool_output_shape,
    random_cases,
    table_cases,
)
from nnlessons_cnn_shapes.report import Claim

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext


def fraction_text(case: ShapeCase) -> str:
    """(W - K + 2P) / S as an exact fraction, e.g. '4/3' for W=7, K=3, P=0, S=3."""
    return str(Fraction(case.size - case.kernel + 2 * case.padding, case.stride))


def show_table_cases(ctx: RunContext, cases: list[ShapeCase]) -> int:
    """Print formula vs PyTorch for square inputs; return the number of disagreements."""
    rows, mismatches = [], 0
    for case in cases:
        predicted = conv_output_size(case.size, case.kernel, case.padding, case.stride)
        measured = conv_output_shape(case.size, case.size, case, case, ctx.device)[0]
        mismatches += predicted != measured
        rows.append((case.size, case.kernel, case.padding, case.stride, fraction_text(case),
                     predicted, measured, case.leftover, case.why))
    ctx.table(
        "Output size: floor((W - K + 2P) / S) + 1 vs the shape F.conv2d returns",
        ["W", "K", "P", "S", "(W-K+2P)/S", "formula", "PyTorch", "unused", "case"],
        rows,
        caption="'unused' = padded pixels at the right/bottom edge that no window reaches: (W + 2P - K) mod S",
    )
    return mismatches


def check_random_cases(ctx: RunContext, count: int) -> tuple[int, int]:
    """Formula vs F.conv2d (and F.max_pool2d where PyTorch allows it) on random rectangular cases.

    :return: (shapes compared, disagreements).
    """
    compared, mismatches = 0, 0
    for height, width, case_h, case_w in random_cases(count, ctx.generator(1)):
        predicted = (conv_output_size(height, case_h.kernel, case_h.padding, case_h.stride),
                     conv_output_size(width, case_w.kernel, case_w.padding, case_w.stride))
        mismatches += predicted != conv_output_shape(height, width, case_h, case_w, ctx.device)
        compared += 1
        if case_h.padding * 2 <= case_h.kernel and case_h.kernel <= min(height, width) + 2 * case_h.padding:
            pooled = pool_output_shape(height, width, case_h.kernel, case_h.padding, case_h.stride, ctx.device)
            expected = tuple(conv_output_size(s, case_h.kernel, case_h.padding, case_h.stride) for s in (height, width))
            mismatches += pooled != expected
            compared += 1
    return compared, mismatches


def run_formula_step(ctx: RunContext, user_cases: list[ShapeCase]) -> tuple[dict[str, Any], list[Claim]]:
    """Print both tables; return metrics and claims."""
    ctx.heading("1. How big is the output? floor((W - K + 2P) / S) + 1")
    shown_cases = [*table_cases(), *user_cases]
    table_mismatches = show_table_cases(ctx, shown_cases)
    compared, random_mismatches = check_random_cases(ctx, ctx.params.random_cases)
    ctx.table(
        "The same formula on random cases (H != W, each axis its own K, P, S)",
        ["kind", "shapes compared", "formula != PyTorch"],
        [("Conv2d and MaxPool2d (where padding <= K / 2)", compared, random_mismatches)],
    )
    mismatches = table_mismatches + random_mismatches
    metrics = {"formula_cases_checked": compared + len(shown_cases),
               "formula_mismatches": mismatches}
    claims = [Claim("the formula predicts every output size", mismatches, "0 mismatches", mismatches == 0)]
    return metrics, claims
