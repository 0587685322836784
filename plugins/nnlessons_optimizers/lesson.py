"""Run the optimizers lesson: data, one shared start, rule check, the race, repeats, plots."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor, nn

from nnlessons import LessonInputError
from nnlessons.run_context import RunContext
from nnlessons_optimizers.analysis import first_step_below, fraction_lower, repeat_summary
from nnlessons_optimizers.catalogue import Settings, label, parse_names
from nnlessons_optimizers.data import batch_orders, batches_of, make_parabola, noise_floor, steps_per_epoch
from nnlessons_optimizers.model import identical_copies, make_net, max_weight_difference
from nnlessons_optimizers.plots import plot_fits, plot_loss_curves
from nnlessons_optimizers.rules import RULE_SUMMARIES, rule_checks, rule_label
from nnlessons_optimizers.training import RaceResult, race

RULE_CHECK_STEPS = 25
RULE_TOLERANCE = 1e-5  # float32 rounding after 25 steps stays far below this
NET_SEED_OFFSET = 1000  # repeat r draws its initial weights from ctx.generator(1000 + r)
ORDER_SEED_OFFSET = 2000  # ... and its batch orders from ctx.generator(2000 + r)


def settings_from(ctx: RunContext) -> Settings:
    p = ctx.params
    return Settings(lr=p.lr, momentum=p.momentum, rms_alpha=p.rms_alpha, adam_beta1=p.adam_beta1, adam_beta2=p.adam_beta2)


def show_data(ctx: RunContext, x: Tensor, y: Tensor) -> float:
    """Print the set-up and the noise floor; return the floor."""
    ctx.heading("1. The data and the noise floor")
    floor = noise_floor(x, y)
    p = ctx.params
    per_epoch = steps_per_epoch(p.n_points, p.batch_size)
    ctx.table(
        "y = x^2 + noise on evenly spaced x in [-1, 1]",
        ["quantity", "value"],
        [
            ("points", p.n_points),
            ("noise std", p.noise),
            ("batch size", p.batch_size),
            ("steps per epoch = ceil(N / B)", per_epoch),
            ("epochs", p.epochs),
            ("steps in total", per_epoch * p.epochs),
            ("noise variance (noise std)^2", p.noise**2),
            ("noise floor: MSE of the true curve x^2", floor),
        ],
        caption="No model can beat the true curve on average: losses near the floor mean the fit is done.",
    )
    return floor


def show_shared_start(ctx: RunContext, start: nn.Module, x: Tensor, names: tuple[str, ...]) -> float:
    """Copy the start once per optimizer, show the copies are equal, return the max difference."""
    ctx.heading("2. One start for everyone")
    ctx.layer_table(start, x[:4], "The net every optimizer trains (a batch of 4 points)")  # x[:4] is (4, 1)
    difference = max_weight_difference(identical_copies(start, len(names)))
    ctx.table(
        "Initial weights of the copies",
        ["copies", "max |weight of copy k - weight of copy 1|"],
        [(len(names), difference)],
        caption="0 means every optimizer starts from exactly the same weights.",
    )
    return difference


def show_rule_check(
    ctx: RunContext, names: tuple[str, ...], start: nn.Module, settings: Settings, x: Tensor, y: Tensor, first_order: Tensor
) -> dict[str, float]:
    """Run the hand-written rules next to torch.optim for a few steps; return max |difference| per rule."""
    ctx.heading("3. The update rules, written out and checked against torch.optim")
    batches = batches_of(first_order, ctx.params.batch_size)[:RULE_CHECK_STEPS]
    checks = rule_checks(names, start, settings, x, y, batches)
    ctx.table(
        "The rules (w = a weight, g = its gradient; full forms on the lesson page)",
        ["rule", "update"],
        [(rule_label(key, settings), RULE_SUMMARIES[key]) for key in checks],
    )
    ctx.table(
        f"Hand-written rule vs torch.optim after {len(batches)} steps on the same batches",
        ["rule", "max |w_torch - w_hand|", "weights moved by", "same?"],
        [(rule_label(key, settings), c.max_abs_diff, c.max_weight_change, str(c.max_abs_diff <= RULE_TOLERANCE)) for key, c in checks.items()],
        caption=f"'same?' means the difference is at most {RULE_TOLERANCE:g} (float32 rounding) while the weights moved far more.",
    )
    return {key: c.max_abs_diff for key, c in checks.items()}


def run_race(ctx: RunContext, names: tuple[str, ...], start: nn.Module, settings: Settings, x: Tensor, y: Tensor, orders: Tensor) -> RaceResult:
    """The main race, with a progress bar over epochs and the loss on all data tracked after every step."""
    ctx.heading("4. The race")
    with ctx.progress(ctx.params.epochs, "epochs") as bar:
        return race(
            names, start, settings, x, y, orders, ctx.params.batch_size,
            on_epoch=lambda last: bar.advance(**{n: float(v) for n, v in zip(names, last.tolist(), strict=True)}),
        )


def show_results(ctx: RunContext, result: RaceResult, settings: Settings, floor: float) -> dict[str, Any]:
    """Final and best loss on all data and the step each optimizer first reaches the threshold."""
    assert result.full_loss is not None
    threshold = ctx.params.threshold
    final = {n: float(result.full_loss[-1, k]) for k, n in enumerate(result.names)}
    best = {n: float(result.full_loss[:, k].min()) for k, n in enumerate(result.names)}
    best_step = {n: int(result.full_loss[:, k].argmin()) + 1 for k, n in enumerate(result.names)}
    reached = {n: first_step_below(result.full_loss[:, k], threshold) for k, n in enumerate(result.names)}
    ctx.table(
        f"Loss on all {ctx.params.n_points} points (the noise floor is {floor:.4f})",
        ["optimizer", "final loss", "best loss", "best at step", f"first step with loss <= {threshold:g}"],
        [(label(n, settings), final[n], best[n], best_step[n], reached[n] if reached[n] is not None else "never") for n in result.names],
        caption="Loss on all the data after each step, so these numbers are not mini-batch noise.",
    )
    return {"final": final, "best": best, "reached": {n: s for n, s in reached.items() if s is not None}}


def check_finite(final: dict[str, float], settings: Settings) -> None:
    """A loss of nan or inf means an optimizer threw its weights away: say so instead of ranking garbage."""
    diverged = [label(name, settings) for name, loss in final.items() if not math.isfinite(loss)]
    if diverged:
        raise LessonInputError(f"Training diverged for {', '.join(diverged)} (the loss on all points became nan or inf); "
                               "use a smaller --lr, or decay constants nearer the defaults.")


def run_repeats(ctx: RunContext, names: tuple[str, ...], settings: Settings, x: Tensor, y: Tensor, main_final: dict[str, float]) -> list[dict[str, float]]:
    """Repeat the race with other initial weights and batch orders; repeat 1 is the main race."""
    p = ctx.params
    finals = [main_final]
    with ctx.progress(p.repeats - 1, "repeats") as bar:
        for repeat in range(1, p.repeats):
            start = make_net(p.hidden, ctx.generator(NET_SEED_OFFSET + repeat)).to(ctx.device)
            orders = batch_orders(p.n_points, p.epochs, ctx.generator(ORDER_SEED_OFFSET + repeat)).to(ctx.device)  # (E, N)
            result = race(names, start, settings, x, y, orders, p.batch_size, track_full_loss=False)
            finals.append(result.final_full_loss(x, y))
            check_finite(finals[-1], settings)
            bar.advance()
    return finals


def show_repeats(ctx: RunContext, names: tuple[str, ...], settings: Settings, x: Tensor, y: Tensor, main_final: dict[str, float]) -> dict[str, Any]:
    """Race again with other starts and batch orders; print the spread of final losses and who won."""
    ctx.heading(f"5. {ctx.params.repeats} races: is the ranking real?")
    finals = run_repeats(ctx, names, settings, x, y, main_final)
    summary = repeat_summary(finals, names)
    ctx.table(
        f"Final loss over {len(finals)} races, each with its own initial weights and batch order",
        ["optimizer", "mean", "std", "min", "max", "lowest in"],
        [(label(n, settings), s["mean"], s["std"], s["min"], s["max"], f"{s['wins']} of {len(finals)}") for n, s in summary.items()],
        caption="A ranking from one race is one sample; the spread shows how much luck is in it.",
    )
    metrics: dict[str, Any] = {"repeat_final_loss_mean": {n: s["mean"] for n, s in summary.items()},
                               "repeat_wins": {n: s["wins"] for n, s in summary.items()}}
    if "adam" in names and "rmsprop" in names:
        fraction = fraction_lower(finals, "adam", "rmsprop")
        ctx.console.print(f"Adam ended lower than RMSprop in {fraction:.0%} of the races ({len(finals)} in all).")
        metrics["adam_beats_rmsprop_fraction"] = fraction
    return metrics


def save_plots(ctx: RunContext, result: RaceResult, settings: Settings, floor: float, x: Tensor, y: Tensor,
               final: dict[str, float]) -> None:
    ctx.heading("6. Plots")
    assert result.full_loss is not None
    labels = [label(n, settings) for n in result.names]
    per_epoch = steps_per_epoch(ctx.params.n_points, ctx.params.batch_size)
    curves = plot_loss_curves(result.names, labels, result.batch_loss, result.full_loss, ctx.params.smoothing,
                              floor, ctx.params.threshold, per_epoch)
    lowest = min(final.values())
    winners = " and ".join(label(name, settings) for name in result.names if final[name] == lowest)
    floor_note = "the noise floor (dashed) and " if floor > 0 else ""
    ctx.save_figure(curves, "loss_curves.png", caption=(
        "Every optimizer's loss at each step of the same race (log scale): the mini-batch loss, raw and smoothed, on "
        f"the left; the loss on all {ctx.params.n_points} points on the right, with {floor_note}the "
        f"{ctx.params.threshold:g} threshold (dotted). Lowest final loss: {lowest:.4f} ({winners})."))
    ctx.save_figure(plot_fits(result.names, labels, result.models, x, y), "fits.png", caption=(
        "What each trained net predicts (coloured line) over the data (grey) and the true curve x^2 (dashed), one "
        "panel per optimizer, with its final loss on all points in the panel's title."))
    ctx.console.print("loss_curves.png: every optimizer on one axis; fits.png: each trained net over the data.")


def run(ctx: RunContext) -> dict[str, Any]:
    p = ctx.params
    names = parse_names(p.optimizers)
    settings = settings_from(ctx)
    x_cpu, y_cpu = make_parabola(p.n_points, p.noise, ctx.generator(0))  # (N, 1), (N, 1)
    x, y = x_cpu.to(ctx.device), y_cpu.to(ctx.device)
    orders = batch_orders(p.n_points, p.epochs, ctx.generator(ORDER_SEED_OFFSET)).to(ctx.device)  # (E, N)
    start = make_net(p.hidden, ctx.generator(NET_SEED_OFFSET)).to(ctx.device)

    floor = show_data(ctx, x, y)
    start_difference = show_shared_start(ctx, start, x, names)
    rule_differences = show_rule_check(ctx, names, start, settings, x, y, orders[0])
    result = run_race(ctx, names, start, settings, x, y, orders)
    results = show_results(ctx, result, settings, floor)
    check_finite(results["final"], settings)
    repeat_metrics = show_repeats(ctx, names, settings, x, y, results["final"])
    save_plots(ctx, result, settings, floor, x, y, results["final"])
    return {
        "final_loss": results["final"],
        "best_loss": results["best"],
        "steps_to_threshold": results["reached"],
        "noise_floor_mse": floor,
        "initial_weights_max_abs_diff": start_difference,
        "update_rule_max_abs_diff": rule_differences,
        **repeat_metrics,
    }
