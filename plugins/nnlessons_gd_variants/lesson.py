"""The gd-variants run: check the gradient, run the three variants, explain their speeds, show the notes' bug."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import torch

from nnlessons.run_context import RunContext
from nnlessons_gd_variants.descent import (
    Descent,
    count_increases,
    descend,
    epoch_shrink_factor,
    gradient_autograd,
    gradient_formula,
    least_squares_w,
    make_data,
    mean_loss,
    measured_shrink_factor,
)
from nnlessons_gd_variants.early_return_bug import BuggyRun, batch_descent_returning_early, cost_returning_early
from nnlessons_gd_variants.plots import LOSS_FLOOR, early_return_figure, loss_curves_figure, noisy_looking_sgd_figure

X_DATA = [1.0, 2.0, 3.0]
Y_DATA = [2.0, 4.0, 6.0]
#: The same data with one reading off by +1: now the samples disagree about w.
Y_PERTURBED = [2.0, 4.0, 7.0]
TARGET_W = 2.0
TOLERANCE = 0.01
#: Weights at which the gradient formula is checked against autograd.
CHECK_WEIGHTS = (-1.0, 0.0, 1.0, 1.5, 2.0, 3.5)


@dataclass(frozen=True)
class Variant:
    name: str
    short: str  # for tables
    label: str  # for plot legends
    batch_size: int
    lr: float


def legend_label(v: Variant) -> str:
    """A plot legend's entry: the variant, its batch size and its learning rate."""
    return f"{v.label}, lr {v.lr:g}"


def variants_from(ctx: RunContext, n_samples: int) -> list[Variant]:
    p = ctx.params
    return [
        Variant("batch", "batch", f"batch GD (B={n_samples})", n_samples, p.batch_lr),
        Variant("sgd", "SGD", "stochastic GD (B=1)", 1, p.sgd_lr),
        Variant("minibatch", "mini-batch", f"mini-batch GD (B={p.batch_size})", p.batch_size, p.minibatch_lr),
    ]


def check_gradient(ctx: RunContext, x: torch.Tensor, y: torch.Tensor, w0: float) -> float:
    """Compare 2x(xw - y) with autograd on every batch size and several w; print the start point."""
    n = x.shape[0]
    rows, worst = [], 0.0
    weights = dict.fromkeys((w0, *CHECK_WEIGHTS))  # w0 first, no repeats
    for w_value in weights:
        w = torch.tensor(w_value, dtype=x.dtype, device=x.device)
        for size in range(1, n + 1):
            for start in range(0, n - size + 1):
                xb, yb = x[start:start + size], y[start:start + size]  # (size,) each
                by_formula, by_autograd = gradient_formula(w, xb, yb).item(), gradient_autograd(w, xb, yb).item()
                worst = max(worst, abs(by_formula - by_autograd))
                if w_value == w0 and start == 0:
                    rows.append((f"first {size}", w_value, by_formula, by_autograd, abs(by_formula - by_autograd)))
    ctx.table(
        "dL/dw = mean(2 x (x w - y)) against autograd",
        ["samples", "w", "formula", "autograd", "abs diff"],
        rows,
        caption=f"max abs diff over every contiguous batch and w in {list(weights)}: {worst:.3g}",
    )
    return worst


def run_variants(ctx: RunContext, x: torch.Tensor, y: torch.Tensor, variants: list[Variant]) -> dict[str, Descent]:
    """Run each variant for the same number of epochs, with one progress bar over all of them."""
    runs = {}
    with ctx.progress(len(variants), "variants") as bar:
        for offset, v in enumerate(variants):
            runs[v.name] = descend(x, y, ctx.params.w0, v.lr, v.batch_size, ctx.params.epochs,
                                   shuffle=ctx.params.shuffle, generator=ctx.generator(offset))
            bar.advance(final_w=runs[v.name].w[-1])
    return runs


def reached_within_tolerance(runs: dict[str, Descent]) -> dict[str, int]:
    """Updates each variant needed to get |w - 2| below the tolerance (variants that never did are left out)."""
    reached = {name: run.updates_until_close(TARGET_W, TOLERANCE) for name, run in runs.items()}
    return {name: steps for name, steps in reached.items() if steps is not None}


def epochs_text(updates: int, per_epoch: int) -> str:
    return f"{updates / per_epoch:.1f}"


def print_summary(ctx: RunContext, variants: list[Variant], runs: dict[str, Descent]) -> None:
    rows = []
    for v in variants:
        run = runs[v.name]
        reached = run.updates_until_close(TARGET_W, TOLERANCE)
        rows.append((v.short, v.lr, run.updates_per_epoch, run.total_updates, run.w[-1], run.full_loss[-1],
                     "never" if reached is None else f"{reached} ({epochs_text(reached, run.updates_per_epoch)} ep)"))
    ctx.table(
        f"{ctx.params.epochs} epochs each, from w = {ctx.params.w0:g}",
        ["variant", "lr", "updates/epoch", "total updates", "final w", "final loss", f"|w-2|<{TOLERANCE} at update"],
        rows,
        caption=f"batch sizes: batch {variants[0].batch_size}, SGD 1, mini-batch {variants[2].batch_size}; "
        "final loss = mean squared error on all samples after the last update",
    )


def print_speeds(ctx: RunContext, x: torch.Tensor, variants: list[Variant], runs: dict[str, Descent]) -> float:
    """Predicted vs measured error shrink per epoch; return the largest difference."""
    rows, worst = [], 0.0
    for v in variants:
        predicted = epoch_shrink_factor(x, v.lr, v.batch_size, runs[v.name].first_order)
        measured = measured_shrink_factor(runs[v.name], TARGET_W)
        worst = max(worst, abs(predicted - measured))
        rows.append((v.short, v.lr, predicted, measured, abs(predicted - measured)))
        if predicted >= 1:
            ctx.say("[yellow]{}: lr {:g} is too large here, |w - 2| grows by x{:.3g} per epoch.", v.label, v.lr, predicted)
    ctx.table(
        "Why the speeds differ: an epoch multiplies |w - 2| by a predictable factor",
        ["variant", "lr", "predicted factor", "measured in epoch 1", "abs diff"],
        rows,
        caption="predicted = product over epoch 1's batches of |1 - 2 lr mean(x^2)|; "
        "smaller is faster; 1 or more never converges",
    )
    return worst


def epochs_to_tolerance(run: Descent) -> float | None:
    """Epochs (updates / updates per epoch) until |w - 2| < TOLERANCE; None if the run never got there."""
    updates = run.updates_until_close(TARGET_W, TOLERANCE)
    return None if updates is None else updates / run.updates_per_epoch


def fewest_epochs(epochs: dict[str, float | None], variants: list[Variant]) -> str:
    """The label of the variant that needed the fewest epochs ('none' if none got there; ties: all of them)."""
    reached = {v.short: epochs[v.name] for v in variants if epochs[v.name] is not None}
    if not reached:
        return "none of them"
    best = min(reached.values())
    return " and ".join(name for name, value in reached.items() if value == best)


@dataclass
class RateComparison:
    """The three variants at one learning rate, and the fewest-epochs winner of each comparison."""

    equal: list[Variant]
    equal_runs: dict[str, Descent]
    own_best: str
    equal_best: str
    metrics: dict[str, Any]


def compare_learning_rates(ctx: RunContext, x: torch.Tensor, y: torch.Tensor, variants: list[Variant],
                           runs: dict[str, Descent]) -> RateComparison:
    """Epochs to the tolerance with each variant's own learning rate and with one rate for all three."""
    equal = [replace(v, lr=ctx.params.equal_lr) for v in variants]
    equal_runs = run_variants(ctx, x, y, equal)
    own_epochs = {v.name: epochs_to_tolerance(runs[v.name]) for v in variants}
    equal_epochs = {v.name: epochs_to_tolerance(equal_runs[v.name]) for v in variants}
    rows = []
    for v, e in zip(variants, equal):
        factor = epoch_shrink_factor(x, e.lr, e.batch_size, equal_runs[e.name].first_order)
        rows.append((v.short, v.lr, epochs_cell(own_epochs[v.name]), e.lr, epochs_cell(equal_epochs[v.name]), factor))
    ctx.table(
        f"Epochs until |w-2| < {TOLERANCE}: each variant's own learning rate, then one rate for all",
        ["variant", "own lr", "epochs", "same lr", "epochs at same lr", "factor per epoch at same lr"],
        rows,
        caption="epochs = updates needed / updates per epoch; 'never' = not within --epochs",
    )
    own_best, equal_best = fewest_epochs(own_epochs, variants), fewest_epochs(equal_epochs, equal)
    ctx.console.print(f"Fewest epochs: {own_best} with the learning rates above, {equal_best} with "
                      f"lr {ctx.params.equal_lr:g} for all three.")
    if own_best != equal_best:
        ctx.console.print("Which variant is fastest per epoch depends on the learning rates being compared: "
                          "a variant given a larger rate than the others can win for that reason alone.")
    return RateComparison(equal, equal_runs, own_best, equal_best, {
        "epochs_to_tolerance": {"own_lr": only_reached(own_epochs), "equal_lr": only_reached(equal_epochs)},
        "updates_to_tolerance_equal_lr": reached_within_tolerance(equal_runs),
    })


def rates_text(variants: list[Variant]) -> str:
    """'batch GD 0.1, SGD 0.01 and mini-batch GD 0.01': each variant's learning rate, from the run's parameters."""
    named = [f"{v.short}{' GD' if v.name != 'sgd' else ''} {v.lr:g}" for v in variants]
    return ", ".join(named[:-1]) + " and " + named[-1]


def notes_rates() -> dict[str, float]:
    """The notes' learning rates: the defaults of --batch-lr, --sgd-lr and --minibatch-lr."""
    from nnlessons_gd_variants import nnlessons_lesson_info

    defaults = {option.name: option.default for option in nnlessons_lesson_info().options}
    return {"batch": defaults["batch_lr"], "sgd": defaults["sgd_lr"], "minibatch": defaults["minibatch_lr"]}


def loss_curves_caption(n_samples: int, variants: list[Variant], comparison: RateComparison) -> str:
    """The main figure's caption: the rates of both rows, why the top row's differ, and what each row shows."""
    batch, others = variants[0], variants[1:]
    epochs = comparison.metrics["epochs_to_tolerance"]
    if all(v.lr == batch.lr for v in others):
        why = "The three rates are equal, so both rows compare like with like."
    else:
        origin = ("These are the notes' rates (the options' defaults), kept to reproduce the notes' plot"
                  if {v.name: v.lr for v in variants} == notes_rates() else "These are the rates this run was given")
        ratios = " and ".join(f"{batch.lr / v.lr:.3g} times {v.short}'s" for v in others)
        why = f"{origin}: batch GD's rate is {ratios}, so the top row does not compare like with like."
        if "batch" in epochs["own_lr"] and "batch" in epochs["equal_lr"]:
            why += (f" Batch GD needs {epochs['own_lr']['batch']:.1f} epochs at lr {batch.lr:g} and "
                    f"{epochs['equal_lr']['batch']:.1f} at lr {comparison.equal[0].lr:g}.")
    return (
        f"The loss on all {n_samples} samples after every update (log scale), counted in updates (left) and in "
        f"epochs, one pass over the data (right). Top row, each variant's own learning rate: {rates_text(variants)}. "
        f"{why} Bottom row, like with like: all three at lr {comparison.equal[0].lr:g}. Fewest epochs to "
        f"|w - 2| < {TOLERANCE}: {comparison.own_best} in the top row, {comparison.equal_best} in the bottom row. "
        f"Losses below {LOSS_FLOOR:g}, 0 included, are drawn at {LOSS_FLOOR:g}."
    )


def only_reached(epochs: dict[str, float | None]) -> dict[str, float]:
    """The variants that got within the tolerance (a metric holds numbers; the others are left out)."""
    return {name: value for name, value in epochs.items() if value is not None}


def epochs_cell(epochs: float | None) -> str:
    return "never" if epochs is None else f"{epochs:.1f}"


def print_noise_check(ctx: RunContext, variants: list[Variant], runs: dict[str, Descent]) -> dict[str, dict[str, int]]:
    """Count how often each recorded loss went up: per-batch (the notes' curve) vs all samples."""
    counts, rows = {}, []
    for v in variants:
        run = runs[v.name]
        counts[v.name] = {"batch_loss": count_increases(run.batch_loss), "full_loss": count_increases(run.full_loss)}
        rows.append((v.short, run.total_updates, counts[v.name]["batch_loss"], counts[v.name]["full_loss"]))
    ctx.table(
        "How often did the loss go up from one update to the next?",
        ["variant", "updates", "per-batch loss (notes' curve)", "loss on all samples"],
        rows,
        caption="the per-batch loss jumps because each batch is a different sample, not because w got worse",
    )
    return counts


@dataclass
class BugComparison:
    """Correct and early-return batch GD on one dataset, plus what the first epoch's loss looked like."""

    ys: list[float]
    least_squares: float
    correct: Descent
    buggy: BuggyRun
    true_start_loss: float
    reported_start_loss: float


def compare_on(ys: list[float], w0: float, lr: float, epochs: int, device: torch.device) -> BugComparison:
    x, y = make_data(X_DATA, ys, device)  # (3,) each
    w_start = torch.tensor(w0, dtype=x.dtype, device=device)
    return BugComparison(
        ys=ys,
        least_squares=least_squares_w(x, y),
        correct=descend(x, y, w0, lr, x.shape[0], epochs),
        buggy=batch_descent_returning_early(x, y, w0, lr, epochs),
        true_start_loss=mean_loss(w_start, x, y).item(),
        reported_start_loss=cost_returning_early(w_start, x, y).item(),
    )


def save_sgd_figure(ctx: RunContext, sgd: Descent, shown: int) -> None:
    """SGD's first `shown` updates: the per-sample loss the notes plot against the loss on all samples."""
    ups = count_increases(sgd.batch_loss[:shown]), count_increases(sgd.full_loss[1:shown + 1])
    ctx.save_figure(noisy_looking_sgd_figure(sgd, shown), "sgd_per_sample_loss.png", caption=(
        f"SGD's first {shown} updates: the loss of the one sample each update used (orange, the curve the notes plot) "
        f"and the loss on all samples (black), log scale. Over these updates the orange curve goes up {ups[0]} "
        f"times, the black one {ups[1]} times."))


def compare_with_bug(ctx: RunContext) -> dict[str, float]:
    """Correct vs early-return batch GD on the course data and on data whose samples disagree."""
    lr, epochs, w0 = ctx.params.batch_lr, ctx.params.epochs, ctx.params.w0
    clean = compare_on(Y_DATA, w0, lr, epochs, ctx.device)
    perturbed = compare_on(Y_PERTURBED, w0, lr, epochs, ctx.device)
    named = {"y=[" + ",".join(f"{v:g}" for v in c.ys) + "]": c for c in (clean, perturbed)}
    ctx.table(
        f"The notes' batch loop returns inside its loop: it only ever sees the first sample (lr {lr:g}, {epochs} epochs)",
        ["data", "best w*", "correct w", "buggy w", "y0/x0", f"true loss at w={w0:g}", "loss bug reports"],
        [(name, c.least_squares, c.correct.w[-1], c.buggy.w[-1], c.ys[0] / X_DATA[0], c.true_start_loss,
          c.reported_start_loss) for name, c in named.items()],
        caption="best w* = least squares, sum(xy)/sum(x^2); correct/buggy w after the last epoch; y0/x0 is what "
        "the first sample alone says. On clean data every "
        "sample agrees on w = 2, which hides the bug; one disagreeing sample exposes it",
    )
    perturbed_name = next(name for name, c in named.items() if c is perturbed)
    ctx.save_figure(
        early_return_figure({n: c.correct for n, c in named.items()}, {n: c.buggy for n, c in named.items()},
                            {n: c.least_squares for n, c in named.items()}),
        "early_return_bug.png",
        caption=(f"w after each epoch of batch gradient descent done right (blue) and with the notes' return inside "
                 f"the loop (red, dashed), on the course data and on {perturbed_name}, where one sample disagrees; the "
                 f"dotted line is the least-squares w*. On {perturbed_name} the buggy loop ends at "
                 f"w = {perturbed.buggy.w[-1]:.4f}, the correct one at {perturbed.correct.w[-1]:.4f}, "
                 f"against w* = {perturbed.least_squares:.4f}."),
    )
    return {
        "least_squares_w_perturbed": perturbed.least_squares,
        "correct_final_w_perturbed": perturbed.correct.w[-1],
        "buggy_final_w_clean": clean.buggy.w[-1],
        "buggy_final_w_perturbed": perturbed.buggy.w[-1],
        "true_start_loss": clean.true_start_loss,
        "reported_start_loss": clean.reported_start_loss,
    }


def run(ctx: RunContext) -> dict[str, Any]:
    x, y = make_data(X_DATA, Y_DATA, ctx.device)  # (3,) each
    variants = variants_from(ctx, x.shape[0])

    ctx.heading("1. The model y = w x and its gradient")
    grad_diff = check_gradient(ctx, x, y, ctx.params.w0)

    ctx.heading("2. Batch, stochastic and mini-batch: one loop, three batch sizes")
    runs = run_variants(ctx, x, y, variants)
    print_summary(ctx, variants, runs)

    ctx.heading("3. Why they converge at different speeds")
    shrink_diff = print_speeds(ctx, x, variants, runs)
    comparison = compare_learning_rates(ctx, x, y, variants, runs)
    rows = {f"each variant's own lr: {rates_text(variants)}": (runs, variants),
            f"one lr for all three: {ctx.params.equal_lr:g}": (comparison.equal_runs, comparison.equal)}
    ctx.save_figure(
        loss_curves_figure({title: (rows_runs, {v.name: legend_label(v) for v in vs})
                            for title, (rows_runs, vs) in rows.items()}),
        "loss_curves.png", caption=loss_curves_caption(x.shape[0], variants, comparison))

    ctx.heading("4. Is SGD really noisy here?")
    increases = print_noise_check(ctx, variants, runs)
    save_sgd_figure(ctx, runs["sgd"], min(30, runs["sgd"].total_updates))

    ctx.heading("5. Pitfall: the notes' batch code returns inside its loop")
    bug = compare_with_bug(ctx)

    return {
        "final_w": {name: run.w[-1] for name, run in runs.items()},
        "final_loss": {name: run.full_loss[-1] for name, run in runs.items()},
        "total_updates": {name: run.total_updates for name, run in runs.items()},
        "updates_to_tolerance": reached_within_tolerance(runs),
        **comparison.metrics,
        "grad_formula_max_abs_diff": grad_diff,
        "shrink_factor_max_abs_diff": shrink_diff,
        "loss_increases": increases,
        "early_return": bug,
    }
