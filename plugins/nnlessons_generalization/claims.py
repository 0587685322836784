"""Every claim the lesson makes, from its metrics: one row per sentence, with the number behind it.

Rules of PyTorch and of arithmetic are claimed outright. What depends on the run (which network
fits better, whether the gap grows) is worded from the run's numbers: the row says what happened.
"""

from __future__ import annotations

from typing import Any

from nnlessons.claims import Claim

EXACT = 1e-6  # the same computation on the same weights: equal up to float32 rounding


def observed(m: dict[str, Any], value: float, if_positive: str, otherwise: str) -> Claim:
    """A sentence chosen by the sign of `value`: the run's observation, computed rather than expected."""
    return (if_positive, value, "> 0", True) if value > 0 else (otherwise, value, "<= 0", True)


def final(m: dict[str, Any], group: str, name: str, key: str) -> float:
    return m[group][name][key][-1]


def capacity_claims(m: dict[str, Any]) -> list[Claim]:
    narrow, wide = (f"width {w}" for w in (m["widths"][0], m["widths"][-1]))
    train_diff = final(m, "capacity", narrow, "train_loss") - final(m, "capacity", wide, "train_loss")
    gap = lambda name: final(m, "capacity", name, "val_loss") - final(m, "capacity", name, "train_loss")  # noqa: E731
    sizes = list(m["data_size"])
    size_gap = lambda name: final(m, "data_size", name, "val_loss") - final(m, "data_size", name, "train_loss")  # noqa: E731
    claims = [observed(m, train_diff, f"the {wide} network fits its training set closer than the {narrow} one "
                                      "(train loss, narrow - wide)",
                       f"the {wide} network does not fit its training set closer than the {narrow} one "
                       "(train loss, narrow - wide)"),
              observed(m, gap(wide) - gap(narrow), f"the {wide} network has the larger loss gap (wide - narrow)",
                       f"the {wide} network does not have the larger loss gap (wide - narrow)")]
    if len(sizes) > 1:
        claims.append(observed(m, size_gap(sizes[-1]) - size_gap(sizes[0]),
                               f"the loss gap is larger on {sizes[-1]} than on {sizes[0]} (small - full)",
                               f"the loss gap is not larger on {sizes[-1]} than on {sizes[0]} (small - full)"))
    return claims


def regularisation_claims(m: dict[str, Any]) -> list[Claim]:
    rose = m["last_val_loss"] - m["best_val_loss"]
    return [
        ("Adam(weight_decay) took the step -lr g'/(|g'| + eps), g' = g + lambda w (max |torch - formula|)",
         m["decay_adam_l2_formula_max_abs_diff"], f"<= {m['decay_formula_tolerance']:.1g}",
         m["decay_adam_l2_formula_max_abs_diff"] <= m["decay_formula_tolerance"]),
        ("AdamW took the step -lr lambda w - lr g/(|g| + eps) (max |torch - formula|)",
         m["decay_adamw_formula_max_abs_diff"], f"<= {m['decay_formula_tolerance']:.1g}",
         m["decay_adamw_formula_max_abs_diff"] <= m["decay_formula_tolerance"]),
        ("the two steps differ (max |Adam + L2 - AdamW|)", m["decay_steps_max_abs_diff"], "> 0",
         m["decay_steps_max_abs_diff"] > 0),
        ("on zero-gradient weights Adam + L2 steps further than AdamW (ratio of mean |step|)",
         m["decay_idle_step_adam_l2"] / max(m["decay_idle_step_adamw"], 1e-30), "> 1",
         m["decay_idle_weights"] > 0 and m["decay_idle_step_adam_l2"] > m["decay_idle_step_adamw"]),
        ("a live state_dict follows the next step (max |kept - after|)", m["state_live_vs_after_step"], "== 0",
         m["state_live_vs_after_step"] == 0 and m["state_live_shares_memory"]),
        ("a deep copy keeps the weights it copied (max |kept - after|)", m["state_copy_vs_after_step"], "> 0",
         m["state_copy_vs_after_step"] > 0 and not m["state_copy_shares_memory"]),
        ("the deep-copied best checkpoint reloads the best epoch's val loss (|difference|)",
         abs(m["best_copy_reloaded_val_loss"] - m["best_val_loss"]), f"<= {EXACT:g}",
         abs(m["best_copy_reloaded_val_loss"] - m["best_val_loss"]) <= EXACT),
        ("the live 'best' state_dict holds the last epoch's weights (max |kept - last|)",
         m["live_state_vs_last_weights"], "== 0", m["live_state_vs_last_weights"] == 0),
        ("early stopping restores the best epoch it had seen (|reloaded - recorded val loss|)",
         abs(m["stop_copy_reloaded_val_loss"] - m["stop_best_val_loss"]), f"<= {EXACT:g}",
         abs(m["stop_copy_reloaded_val_loss"] - m["stop_best_val_loss"]) <= EXACT),
        observed(m, rose, "the plain run's validation loss rose after its best epoch (last - best)",
                 "the plain run's validation loss did not rise after its best epoch (last - best)"),
    ]


def evaluation_claims(m: dict[str, Any]) -> list[Claim]:
    return [
        ("in eval() the same pass gives the same logits (max |difference|)", m["modes_eval_repeat_max_abs_diff"],
         "== 0", m["modes_eval_repeat_max_abs_diff"] == 0),
        ("left in train(), dropout makes two passes differ (max |difference|)",
         m["modes_train_mode_repeat_max_abs_diff"], "> 0", m["modes_train_mode_repeat_max_abs_diff"] > 0),
        ("under no_grad a pass keeps nothing for backward (bytes)", m["modes_graph_bytes_with_no_grad"], "== 0",
         m["modes_graph_bytes_with_no_grad"] == 0 and not m["modes_outputs_require_grad_with_no_grad"]),
        ("without no_grad it keeps activations for a backward (bytes)", m["modes_graph_bytes_without_no_grad"], "> 0",
         m["modes_graph_bytes_without_no_grad"] > 0 and m["modes_outputs_require_grad_without_no_grad"]),
        ("train, validation and fresh share no image (count)", m["split_overlap"], "== 0", m["split_overlap"] == 0),
        ("choosing on the half reported overstates the other half, on average over re-splits",
         m["resampled_gap_choosing_on_reported"], ">= 0", m["resampled_gap_choosing_on_reported"] >= 0),
        ("choosing on validation overstates neither half, on average over re-splits",
         m["resampled_gap_choosing_on_validation"], "== 0", m["resampled_gap_choosing_on_validation"] == 0),
        observed(m, m["by_test_gap"], "in this split, the choice by test accuracy reports more than it gets on fresh digits",
                 "in this split, the choice by test accuracy does not report more than it gets on fresh digits"),
    ]


def lesson_claims(m: dict[str, Any]) -> list[Claim]:
    return capacity_claims(m) + regularisation_claims(m) + evaluation_claims(m)
