"""The lesson's three figures: a batch from the image folder, the loss curves, softmax probabilities."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from nnlessons_mnist_mlp.training import History


def batch_grid_figure(images: np.ndarray, labels: np.ndarray, columns: int = 8) -> Figure:
    """Up to 2 rows of digits from one ImageFolder batch, each titled with its label."""
    shown = min(len(labels), 2 * columns)
    rows = -(-shown // columns)
    fig = Figure(figsize=(1.2 * columns, 1.45 * rows + 0.5))
    fig.suptitle(f"First {shown} images of a shuffled ImageFolder batch (title = label from the folder name)")
    for i in range(shown):
        ax = fig.add_subplot(rows, columns, i + 1)
        ax.imshow(images[i], cmap="gray", vmin=0.0, vmax=1.0)  # (28, 28) in [0, 1]
        ax.set_title(f"label {int(labels[i])}", fontsize=9)
        ax.set_axis_off()
    return fig


def loss_figure(history: History, pitfall: History, loss_floor: float, chance: float) -> Figure:
    """Left: training loss per step (logits vs softmax-then-loss) and test loss per epoch. Right: test accuracy."""
    fig = Figure(figsize=(11, 4.2))
    loss_ax, accuracy_ax = fig.subplots(1, 2)
    steps = np.arange(1, len(history.step_losses) + 1)
    epoch_ends = history.steps_per_epoch * np.arange(1, len(history.test_losses) + 1)
    loss_ax.plot(steps, history.step_losses, lw=0.8, color="tab:blue", alpha=0.7, label="train batch loss (logits -> loss)")
    loss_ax.plot(epoch_ends, history.test_losses, "o-", color="tab:blue", label="test loss after each epoch")
    pitfall_steps = np.arange(1, len(pitfall.step_losses) + 1)
    loss_ax.plot(pitfall_steps, pitfall.step_losses, lw=0.8, color="tab:red", alpha=0.8,
                 label="train batch loss (softmax -> loss, the notes)")
    loss_ax.axhline(loss_floor, ls="--", color="tab:red", label=f"lowest loss softmax -> loss can reach: {loss_floor:.4f}")
    loss_ax.set(title="Cross-entropy loss while training", xlabel="training step (one mini-batch)", ylabel="cross-entropy loss")
    loss_ax.set_ylim(bottom=0)
    loss_ax.legend(fontsize=8)
    epochs = np.arange(1, len(history.test_accuracies) + 1)
    accuracy_ax.plot(epochs, history.test_accuracies, "o-", color="tab:blue", label="logits -> loss")
    accuracy_ax.plot([1], pitfall.test_accuracies[:1], "s", color="tab:red", label="softmax -> loss (1 epoch)")
    accuracy_ax.axhline(chance, ls=":", color="gray", label=f"chance ({chance:.0%})")
    accuracy_ax.set(title="Test accuracy", xlabel="epoch", ylabel="fraction of test digits correct", ylim=(0, 1.02))
    accuracy_ax.set_xticks(epochs)
    accuracy_ax.legend(fontsize=8, loc="lower right")
    return fig


def probabilities_figure(images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray, notes: list[str]) -> Figure:
    """For each digit: the image above a bar chart of its 10 softmax probabilities (true digit in green)."""
    count = len(labels)
    fig = Figure(figsize=(1.75 * count, 4.4))
    fig.suptitle("Softmax probabilities of test digits (the bars of each digit sum to 1)")
    axes = fig.subplots(2, count, gridspec_kw={"height_ratios": [1, 1.3]}, squeeze=False)
    digits = np.arange(10)
    for i in range(count):
        axes[0, i].imshow(images[i], cmap="gray")
        predicted = int(probabilities[i].argmax())
        axes[0, i].set_title(f"{notes[i]}\nlabel {int(labels[i])}, predicted {predicted}", fontsize=8)
        axes[0, i].set_axis_off()
        colors = ["tab:green" if d == labels[i] else "tab:gray" for d in digits]
        axes[1, i].bar(digits, probabilities[i], color=colors)
        axes[1, i].set(ylim=(0, 1), xticks=digits, xlabel="digit")
        axes[1, i].tick_params(labelsize=6)
        if i == 0:
            axes[1, i].set_ylabel("softmax probability")
        else:
            axes[1, i].set_yticklabels([])
    fig.legend(handles=[Patch(color="tab:green", label="true digit"), Patch(color="tab:gray", label="other digits")],
               loc="lower center", ncol=2, fontsize=8, bbox_to_anchor=(0.5, -0.04))
    return fig
