"""Run the cnn-shapes lesson: each step prints its tables and returns metrics and checked claims."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nnlessons.precision import full_float32
from nnlessons_cnn_shapes.formula import parse_user_cases
from nnlessons_cnn_shapes.report import Claim, print_claims
from nnlessons_cnn_shapes.step_edge_filters import run_edge_filters_step
from nnlessons_cnn_shapes.step_feature_maps import run_feature_maps_step
from nnlessons_cnn_shapes.step_formula import run_formula_step
from nnlessons_cnn_shapes.step_layers import run_conv_layer_step, run_lenet_step
from nnlessons_cnn_shapes.step_note002 import run_note002_step
from nnlessons_cnn_shapes.step_random_checks import run_random_checks_step
from nnlessons_cnn_shapes.step_rgb import run_rgb_step

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext

#: Metrics named diff_* are max |by hand - PyTorch| of one step; their maximum is the headline metric.
DIFF_PREFIX = "diff_"


def run(ctx: RunContext) -> dict[str, Any]:
    """All steps in order; returns the metrics for run.json."""
    user_cases = parse_user_cases(ctx.params.case)  # bad --case text stops here, before any work
    metrics: dict[str, Any] = {}
    claims: list[Claim] = []
    with full_float32():
        for step in (
            lambda: run_formula_step(ctx, user_cases),
            lambda: run_note002_step(ctx),
            lambda: run_random_checks_step(ctx),
            lambda: run_rgb_step(ctx),
            lambda: run_conv_layer_step(ctx),
            lambda: run_lenet_step(ctx),
            lambda: run_feature_maps_step(ctx),
            lambda: run_edge_filters_step(ctx),
        ):
            step_metrics, step_claims = step()
            metrics.update(step_metrics)
            claims.extend(step_claims)
    ctx.heading("Summary")
    failed = print_claims(ctx, claims)
    metrics["max_abs_diff_hand_vs_torch"] = max(v for k, v in metrics.items() if k.startswith(DIFF_PREFIX))
    metrics["claims_checked"] = len(claims)
    metrics["claims_failed"] = failed
    return metrics
