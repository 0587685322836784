"""The lesson's two figures: training curves, and throughput of the ways of batching."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nnlessons_dataset_dataloader.model import TrainingLog
from nnlessons_dataset_dataloader.throughput import Throughput


def training_figure(log: TrainingLog, majority_accuracy: float, rule_accuracy: float | None) -> Figure:
    """Left: training and held-out BCE loss per epoch. Right: held-out accuracy against the baselines."""
    epochs = list(range(1, len(log.train_loss) + 1))
    # 9.5 inches (about 1050 px at dpi 110) with each legend under its panel, where it hides no curve
    fig = Figure(figsize=(9.5, 5.2), layout="constrained")
    loss_ax, accuracy_ax = fig.subplots(1, 2)
    loss_ax.plot(epochs, log.train_loss, "o-", label="training loss (mean over the epoch's batches)")
    loss_ax.plot(epochs, log.test_loss, "s--", label="held-out loss (after the epoch)")
    loss_ax.set(title="BCE loss per epoch", xlabel="epoch", ylabel="binary cross-entropy")
    accuracy_ax.plot(epochs, log.test_accuracy, "o-", color="tab:green", label="held-out accuracy")
    accuracy_ax.axhline(majority_accuracy, color="grey", linestyle=":", label=f"always the majority label ({majority_accuracy:.3f})")
    if rule_accuracy is not None:
        accuracy_ax.axhline(rule_accuracy, color="black", linestyle="--", label=f"the rule that made the labels ({rule_accuracy:.3f})")
    accuracy_ax.set(title="Held-out accuracy per epoch", xlabel="epoch", ylabel="accuracy", ylim=(0, 1))
    for ax in (loss_ax, accuracy_ax):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=9)
    return fig


def throughput_figure(results: list[Throughput], device: str) -> Figure:
    """Horizontal bars of samples per second (log scale), fastest at the top."""
    ordered = sorted(results, key=lambda r: r.samples_per_second)
    fig = Figure(figsize=(9, 0.6 * len(ordered) + 1.6))
    ax = fig.subplots()
    bars = ax.barh([r.method for r in ordered], [r.samples_per_second for r in ordered], color="tab:blue",
                   label=f"samples/s delivered to {device}")
    ax.bar_label(bars, labels=[f"{r.samples_per_second:,.0f}" for r in ordered], padding=3)
    ax.set_xscale("log")
    ax.set(title="Mini-batches of an in-memory table: samples per second (log scale)",
           xlabel="samples per second (more is better)", ylabel="way of making batches")
    ax.margins(x=0.25)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig
