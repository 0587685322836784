"""Steps 2 and 3: softmax and cross-entropy by hand on small hand-picked logits, next to PyTorch."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor

from nnlessons.run_context import RunContext
from nnlessons_classification.identities import (
    PAIR_COLUMNS,
    cross_entropy_pairs,
    one_hot_pair,
    softmax_naive,
    softmax_stable,
    softmax_whole_array,
)

SMALL_LOGITS = (2.0, 1.0, 0.1)  # a three-class example for softmax
BATCH_LOGITS = ((2.0, 1.0, 0.1), (0.5, 0.5, 3.0))  # two rows, for the sum-over-what question
NOTES_LOGITS, NOTES_LABEL = (0.2, 0.1, -0.1), 0  # the cross-entropy example of the notes


def probabilities_row(name: str, probabilities: Tensor, reference: Tensor) -> tuple[Any, ...]:
    """One table row: method, each probability, and max |difference| to torch.softmax."""
    values = probabilities.squeeze(0).tolist()
    return (name, *values, (probabilities - reference).abs().max().item())


def softmax_table(ctx: RunContext, logits: Tensor, name: str, title: str) -> dict[str, float]:
    """Print softmax of one row of logits three ways; return metrics `naive_<name>_nan_count` and the differences."""
    reference = torch.softmax(logits, dim=1)  # (1, 3)
    naive, stable = softmax_naive(logits), softmax_stable(logits)
    ctx.table(
        f"softmax of {[round(v, 4) for v in logits.squeeze(0).tolist()]} ({title})",
        ["method", "p0", "p1", "p2", "max |diff| to torch"],
        [probabilities_row("exp(z) / sum exp(z)", naive, reference),
         probabilities_row("exp(z - max) / sum exp(z - max)", stable, reference),
         probabilities_row("torch.softmax", reference, reference)],
    )
    results = {f"naive_{name}_nan_count": int(naive.isnan().sum().item()),
               f"stable_{name}_max_abs_diff": (stable - reference).abs().max().item()}
    if not naive.isnan().any():  # NaN is not valid JSON: the count says it all
        results[f"naive_{name}_max_abs_diff"] = (naive - reference).abs().max().item()
    return results


def show_softmax(ctx: RunContext) -> dict[str, float]:
    """Softmax three ways on small logits, then on the same logits shifted up, where exp overflows."""
    ctx.heading("2. Softmax by hand: exp / sum, and the max-subtracted form")
    small = torch.tensor([SMALL_LOGITS], device=ctx.device)  # (1, 3)
    shifted = small + ctx.params.shift  # (1, 3)
    results = softmax_table(ctx, small, "small", "small logits")
    results |= softmax_table(ctx, shifted, "shifted", f"the same logits + {ctx.params.shift:g}")
    shift_invariance = (softmax_stable(shifted) - torch.softmax(small, dim=1)).abs().max().item()
    overflow_at = math.log(torch.finfo(torch.float32).max)
    ctx.console.print(
        f"float32 exp(z) overflows to inf once z > {overflow_at:.2f}; inf / inf = nan. "
        f"softmax(z + c) = softmax(z): max |diff| between the shifted and unshifted probabilities {shift_invariance:.3g}."
    )
    return results | {"shift_invariance_max_abs_diff": shift_invariance, "float32_exp_overflow_above": overflow_at}


def show_softmax_rows(ctx: RunContext) -> float:
    """On a batch, softmax must sum over each row, not over the whole array; return the worst row-sum error."""
    logits = torch.tensor(BATCH_LOGITS, device=ctx.device)  # (2, 3): 2 samples, 3 classes
    rows = []
    for name, probabilities in (("exp(z) / exp(z).sum()  (the notes)", softmax_whole_array(logits)),
                                ("per row: exp(z - max) / row sum", softmax_stable(logits)),
                                ("torch.softmax(z, dim=1)", torch.softmax(logits, dim=1))):
        rows.append((name, *probabilities.sum(dim=1).tolist()))  # (2,) row sums
    ctx.table("Row sums of softmax on a batch of 2 rows", ["method", "sum of row 1", "sum of row 2"], rows,
              caption="A sum over the whole array mixes the samples: each row must sum to 1 on its own.")
    return (softmax_whole_array(logits).sum(dim=1) - 1).abs().max().item()


def show_notes_example(ctx: RunContext) -> dict[str, float]:
    """The notes' cross-entropy example, z = [0.2, 0.1, -0.1] with true class 0, four ways."""
    ctx.heading("3. Cross-entropy on one example (the notes' numbers)")
    logits = torch.tensor([NOTES_LOGITS], device=ctx.device)  # (1, 3)
    labels = torch.tensor([NOTES_LABEL], device=ctx.device)  # (1,) int64
    pairs = [*cross_entropy_pairs(logits, labels), one_hot_pair(logits, labels)]
    ctx.table(f"logits {list(NOTES_LOGITS)}, true class {NOTES_LABEL}", PAIR_COLUMNS, [p.row() for p in pairs],
              caption="loss = -log softmax(z)_y = log(sum exp z) - z_y; one-hot float targets give the same loss.")
    return {
        "notes_example_ce": pairs[0].first.item(),
        "notes_example_ce_vs_logsoftmax_nll_max_abs_diff": pairs[0].max_abs_diff,
        "notes_example_ce_vs_hand_max_abs_diff": pairs[1].max_abs_diff,
        "notes_example_index_vs_one_hot_max_abs_diff": pairs[2].max_abs_diff,
    }
