"""The lesson's figures, built as matplotlib Figure objects (no pyplot)."""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from nnlessons_gd_variants.descent import Descent
from nnlessons_gd_variants.early_return_bug import BuggyRun

#: Losses below this are float round-off; the log axes stop here, and any smaller loss (0 included) is drawn at it.
LOSS_FLOOR = 1e-20
#: The note on the loss plots: every loss under the floor, not only an exact 0, is drawn at the floor.
FLOOR_NOTE = f"losses below {LOSS_FLOOR:g} (0 included) are drawn at {LOSS_FLOOR:g}"
#: Losses above this (a diverging run) are left off the plot.
LOSS_CEILING = 1e30

COLOURS = {"batch": "tab:blue", "sgd": "tab:orange", "minibatch": "tab:green"}


def floored(values: list[float]) -> list[float]:
    """Clamp losses below LOSS_FLOOR up to it (0 cannot be drawn on a log axis); drop overflowing values (NaN leaves a gap)."""
    return [max(v, LOSS_FLOOR) if v <= LOSS_CEILING else math.nan for v in values]


def loss_curves_figure(rows: dict[str, tuple[dict[str, Descent], dict[str, str]]]) -> Figure:
    """Full-data loss against update step (left) and against epoch (right), log scale: one row per comparison.

    `rows` maps a row's title (its learning rates) to its runs and their legend labels (which carry each lr).
    """
    fig = Figure(figsize=(9.5, 4.0 * len(rows) + 0.4), layout="constrained")  # about 1050 px wide at dpi 110
    subfigs = fig.subfigures(len(rows), 1, squeeze=False)[:, 0]
    for row, (subfig, (title, (runs, labels))) in enumerate(zip(subfigs, rows.items())):
        subfig.suptitle(title, fontsize=11, fontweight="bold")
        by_step, by_epoch = subfig.subplots(1, 2)
        for name, run in runs.items():
            steps = range(run.total_updates + 1)
            epochs = [step / run.updates_per_epoch for step in steps]
            by_step.plot(steps, floored(run.full_loss), label=labels[name], color=COLOURS[name])
            by_epoch.plot(epochs, floored(run.full_loss), label=labels[name], color=COLOURS[name])
        by_step.set_title("Loss on all samples after each update")
        by_step.set_xlabel("update step")
        by_epoch.set_title("Counted in epochs (passes over the data)")
        by_epoch.set_xlabel("epoch")
        for ax in (by_step, by_epoch):
            ax.set_yscale("log")
            ax.set_ylim(LOSS_FLOOR / 10, None)
            if row == len(rows) - 1:  # under the bottom axes, where no curve can hide it
                ax.annotate(FLOOR_NOTE, xy=(0.5, 0), xycoords="axes fraction", xytext=(0, -38),
                            textcoords="offset points", ha="center", va="top", fontsize=9, color="dimgrey")
            ax.set_ylabel("mean squared error (log scale)")
            ax.grid(True, which="major", alpha=0.3)
            ax.legend(fontsize=9)
    return fig


def noisy_looking_sgd_figure(sgd: Descent, shown_updates: int) -> Figure:
    """SGD's per-sample loss (what the notes plot) zig-zags; the loss on all samples falls at every step."""
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    steps = range(1, shown_updates + 1)
    ax.plot(steps, floored(sgd.batch_loss[:shown_updates]), marker="o", markersize=3,
            label="loss of the sample just used (the notes' curve)", color="tab:orange")
    ax.plot(steps, floored(sgd.full_loss[1:shown_updates + 1]), marker="s", markersize=3,
            label="loss on all three samples", color="black")
    ax.set_yscale("log")
    ax.set_title(f"SGD: first {shown_updates} updates")
    ax.set_xlabel("update step")
    ax.set_ylabel("mean squared error (log scale)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig


def early_return_figure(
    correct: dict[str, Descent], buggy: dict[str, BuggyRun], least_squares: dict[str, float]
) -> Figure:
    """w per epoch for the correct and the buggy batch loop, on each dataset, with the best w marked."""
    fig = Figure(figsize=(9.5, 4.2), layout="constrained")  # about 1050 px at dpi 110: readable in the docs column
    axes = fig.subplots(1, len(correct), sharey=True)
    for ax, (name, run) in zip(axes, correct.items()):
        epochs = range(len(buggy[name].w))
        ax.plot(epochs, run.w, label="mean over all samples (correct)", color="tab:blue")
        ax.plot(epochs, buggy[name].w, label="return inside the loop (notes)", color="tab:red", linestyle="--")
        ax.axhline(least_squares[name], color="grey", linestyle=":", label=f"least-squares w* = {least_squares[name]:.4f}")
        ax.set_title(f"Batch GD on {name}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("w")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="lower right")
    return fig
