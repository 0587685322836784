"""The lesson's figures, drawn from the run's own numbers."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from nnlessons_generalization.training import History

COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:gray")


def decay_figure(weights: np.ndarray, adam_l2: np.ndarray, adamw: np.ndarray, lr: float) -> Figure:
    """The step each optimizer takes on weights with a zero gradient, against the weight, in units of lr."""
    fig = Figure(figsize=(8, 4.6), layout="constrained")
    ax = fig.add_subplot()
    order = np.argsort(weights)
    ax.plot(weights[order], adam_l2[order] / lr, ".", ms=3, color="tab:red", label="Adam(weight_decay): L2 in the gradient")
    ax.plot(weights[order], adamw[order] / lr, ".", ms=3, color="tab:blue", label="AdamW(weight_decay): decoupled")
    ax.axhline(0, color="gray", lw=0.6)
    ax.set(xlabel="weight before the step", ylabel="change of the weight / lr",
           title="One step on weights whose gradient is 0")
    ax.legend(fontsize=9, loc="upper right")
    return fig


def split_figure(counts: dict[str, list[int]]) -> Figure:
    """Images per digit in each split, as a fraction of the split, grouped by digit."""
    fig = Figure(figsize=(9, 4.4), layout="constrained")
    ax = fig.add_subplot()
    width = 0.8 / len(counts)
    for i, (name, row) in enumerate(counts.items()):
        total = max(sum(row), 1)
        ax.bar(np.arange(10) + (i - (len(counts) - 1) / 2) * width, np.array(row) / total, width,
               color=COLORS[i], label=f"{name} ({sum(row):,} images)")
    ax.axhline(0.1, ls=":", color="gray", label="one tenth")
    ax.set(xlabel="digit", ylabel="fraction of the split", title="Class balance of the four splits")
    ax.set_xticks(range(10))
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3)
    return fig


def curves_figure(title: str, runs: dict[str, History]) -> Figure:
    """Left: train (solid) and validation (dashed) loss per epoch for each run. Right: the gap, validation - train."""
    fig = Figure(figsize=(9.5, 4.8), layout="constrained")
    loss_ax, gap_ax = fig.subplots(1, 2)
    for color, (name, history) in zip(COLORS, runs.items()):
        epochs = np.arange(1, len(history.train_losses) + 1)
        loss_ax.plot(epochs, history.train_losses, "-", color=color, label=f"{name}: train")
        loss_ax.plot(epochs, history.val_losses, "--", color=color, label=f"{name}: validation")
        gap_ax.plot(epochs, history.loss_gaps, "o-", ms=3, color=color, label=name)
    loss_ax.set(xlabel="epoch", ylabel="cross-entropy per image", title="Train (solid), validation (dashed)")
    loss_ax.set_ylim(bottom=0)
    gap_ax.axhline(0, color="gray", lw=0.6)
    gap_ax.set(xlabel="epoch", ylabel="validation loss - train loss", title="The gap")
    loss_ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    gap_ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    fig.suptitle(title)
    return fig


def regularisation_figure(runs: dict[str, History], best_epoch: int, stop_epoch: int) -> Figure:
    """Validation loss and accuracy per epoch for each regulariser; early stopping's epochs marked on the plain run."""
    fig = Figure(figsize=(9.5, 4.8), layout="constrained")
    loss_ax, accuracy_ax = fig.subplots(1, 2)
    for color, (name, history) in zip(COLORS, runs.items()):
        epochs = np.arange(1, len(history.val_losses) + 1)
        loss_ax.plot(epochs, history.val_losses, "o-", ms=3, color=color, label=name)
        accuracy_ax.plot(epochs, history.val_accuracies, "o-", ms=3, color=color, label=name)
    plain = next(iter(runs.values()))
    loss_ax.plot([best_epoch], [plain.val_losses[best_epoch - 1]], "*", ms=14, color="black",
                 label=f"best checkpoint (epoch {best_epoch})")
    loss_ax.axvline(stop_epoch, ls=":", color="black", label=f"early stopping stops (epoch {stop_epoch})")
    loss_ax.set(xlabel="epoch", ylabel="validation cross-entropy", title="Validation loss")
    accuracy_ax.set(xlabel="epoch", ylabel="fraction right", title="Validation accuracy")
    loss_ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    accuracy_ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    return fig


def optimism_figure(names: list[str], accuracies: np.ndarray, by_val: int, by_test: int, gaps: np.ndarray,
                    honest: np.ndarray, half: int) -> Figure:
    """Left: each candidate's validation, test and fresh accuracy, the two choices marked. Right: resampled gaps."""
    fig = Figure(figsize=(9.5, 5.2), layout="constrained")
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
    y = np.arange(len(names))
    for column, (label, marker, color) in enumerate((("validation", "o", "tab:green"), ("test", "s", "tab:red"),
                                                     ("fresh", "D", "tab:blue"))):
        left.plot(accuracies[:, column], y, marker, color=color, label=label, ms=6, ls="none")
    labels = [name + (" <- by val" if k == by_val else "") + (" <- by test" if k == by_test else "")
              for k, name in enumerate(names)]
    left.set_yticks(y, labels, fontsize=9)
    left.invert_yaxis()
    left.set(xlabel="accuracy", title="Each setting on the three held-out sets")
    left.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3)
    bins = np.arange(min(gaps.min(), honest.min()) - 0.5, max(gaps.max(), honest.max()) + 1.5) / half
    right.hist(honest / half, bins=bins, color="tab:green", alpha=0.6, label="chosen on validation")
    right.hist(gaps / half, bins=bins, color="tab:red", alpha=0.6, label="chosen on the half reported")
    right.axvline(gaps.mean() / half, color="tab:red", ls="--", label=f"mean {gaps.mean() / half:+.4f}")
    right.axvline(0, color="tab:green", ls=":", label="mean 0 (exactly)")
    right.set(xlabel="reported accuracy - accuracy on the other half", ylabel="re-splits",
              title=f"{len(gaps) // 2} re-splits, each used both ways")
    right.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.14))
    return fig
