"""The lesson's figures: a flattened digit, hidden units as templates, a folder batch, the loss curves, probabilities."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from nnlessons_mnist_mlp.training import History


def montage(images: np.ndarray, columns: int, pad: int = 8) -> np.ndarray:
    """Tile (n, 28, 28) images into one (rows * 36, columns * 36) picture, so one Axes draws them all."""
    count, height, width = images.shape
    rows = -(-count // columns)
    sheet = np.ones((rows * (height + pad), columns * (width + pad)))  # white gaps
    for i in range(count):
        top, left = (i // columns) * (height + pad), (i % columns) * (width + pad)
        sheet[top : top + height, left : left + width] = images[i]
    return sheet


def batch_grid_figure(images: np.ndarray, labels: np.ndarray, columns: int = 8) -> Figure:
    """The first 16 digits of one ImageFolder batch, each with the label ImageFolder gave it."""
    shown = min(len(labels), 2 * columns)
    rows = -(-shown // columns)
    fig = Figure(figsize=(1.1 * columns, 1.6 * rows + 0.6))
    ax = fig.add_subplot()
    ax.imshow(montage(images[:shown], columns), cmap="gray", vmin=0.0, vmax=1.0)  # pixels in [0, 1]
    for i in range(shown):
        ax.text((i % columns) * 36 + 14, (i // columns) * 36 - 1, f"label {int(labels[i])}", ha="center", va="bottom", fontsize=9)
    ax.set_title(f"First {shown} images of a shuffled ImageFolder batch (label = class folder)", pad=14)
    ax.set_axis_off()
    return fig


def loss_figure(history: History, pitfall: History, sgd: tuple[History, History], loss_floor: float,
                chance: float) -> Figure:
    """Left: training loss per step (logits vs softmax-then-loss, with Adam and with plain SGD) and validation loss
    per epoch. Right: validation accuracy."""
    # 9.5 inches (about 1050 px at dpi 110) with each legend under its panel, where it hides no curve
    fig = Figure(figsize=(9.5, 5.6), layout="constrained")
    loss_ax, accuracy_ax = fig.subplots(1, 2)
    steps = np.arange(1, len(history.step_losses) + 1)
    epoch_ends = history.steps_per_epoch * np.arange(1, len(history.val_losses) + 1)
    loss_ax.plot(steps, history.step_losses, lw=0.8, color="tab:blue", alpha=0.7, label="train batch loss (logits -> loss)")
    loss_ax.plot(epoch_ends, history.val_losses, "o-", color="tab:blue", label="validation loss after each epoch")
    pitfall_steps = np.arange(1, len(pitfall.step_losses) + 1)
    loss_ax.plot(pitfall_steps, pitfall.step_losses, lw=0.8, color="tab:red", alpha=0.8,
                 label="train batch loss (softmax -> loss, the notes)")
    for run, colour, name in zip(sgd, ("tab:cyan", "tab:orange"), ("logits", "softmax")):
        loss_ax.plot(np.arange(1, len(run.step_losses) + 1), run.step_losses, lw=0.6, color=colour, alpha=0.8,
                     label=f"plain SGD, {name} -> loss")
    loss_ax.axhline(loss_floor, ls="--", color="tab:red", label=f"lowest loss softmax -> loss\ncan reach: {loss_floor:.4f}")
    loss_ax.set(title="Cross-entropy loss while training", xlabel="training step (one mini-batch)", ylabel="cross-entropy loss")
    loss_ax.set_ylim(bottom=0)
    loss_ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    epochs = np.arange(1, len(history.val_accuracies) + 1)
    accuracy_ax.plot(epochs, history.val_accuracies, "o-", color="tab:blue", label="logits -> loss")
    accuracy_ax.plot([1], pitfall.val_accuracies[:1], "s", color="tab:red", label="softmax -> loss (1 epoch)")
    accuracy_ax.annotate(f"{history.val_accuracies[-1]:.1%}", (epochs[-1], history.val_accuracies[-1]),
                         textcoords="offset points", xytext=(0, 8), ha="center", fontsize=9)
    accuracy_ax.axhline(chance, ls=":", color="gray", label=f"chance ({chance:.0%})")
    accuracy_ax.set(title="Validation accuracy", xlabel="epoch", ylabel="fraction of validation digits correct",
                    ylim=(0, 1.1))
    accuracy_ax.set_xticks(epochs)
    accuracy_ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    return fig


def probabilities_figure(images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray, notes: list[str]) -> Figure:
    """Each test digit (left) next to its row of 10 softmax probabilities (a row sums to 1); true digit boxed in green."""
    count = len(labels)
    fig = Figure(figsize=(9, 0.6 * count + 1.5))
    ax = fig.add_subplot()
    heat = ax.imshow(probabilities, cmap="Blues", vmin=0.0, vmax=1.0, extent=(-0.5, 9.5, count - 0.5, -0.5))
    for row in range(count):
        ax.imshow(images[row], cmap="gray", extent=(-1.75, -0.75, row + 0.5, row - 0.5))  # the digit itself
        predicted = int(probabilities[row].argmax())
        for digit in range(10):
            value = probabilities[row, digit]
            ax.text(digit, row, f"{value:.2f}", ha="center", va="center", fontsize=9,
                    weight="bold" if digit == predicted else "normal", color="white" if value > 0.6 else "black")
        ax.add_patch(Rectangle((int(labels[row]) - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="tab:green", lw=2.5))
    ax.set_xlim(-1.85, 9.5)
    ax.set_ylim(count - 0.5, -0.5)
    ax.set_xticks(range(10))
    ax.set_yticks(range(count), [f"{note}, label {int(y)}" for note, y in zip(notes, labels)], fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.set(xlabel="digit", title="Softmax probabilities of test digits (each row sums to 1; bold = predicted)")
    fig.colorbar(heat, ax=ax, label="softmax probability", fraction=0.04)
    ax.legend(handles=[Patch(fill=False, edgecolor="tab:green", lw=2, label="true digit")],
              loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=9, frameon=False)
    return fig


def flattened_digit_figure(image: np.ndarray, flat: np.ndarray, highlighted_row: int) -> Figure:
    """A (28, 28) digit above the same 784 numbers in a line, the way the first Linear layer receives them.

    One image row is boxed in the picture and shaded in the line: row r is positions 28 r .. 28 r + 27.
    """
    side = image.shape[0]
    fig = Figure(figsize=(9.5, 6.4), layout="constrained")  # about 1050 px at dpi 110: readable in the docs column
    picture_ax, line_ax = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1.6, 1]})
    picture_ax.imshow(image, cmap="gray_r")
    picture_ax.add_patch(Rectangle((-0.5, highlighted_row - 0.5), side, 1, fill=False, edgecolor="tab:orange", lw=2))
    picture_ax.set(title=f"The drawn digit, {side} x {side} pixels (row {highlighted_row} boxed)",
                   xlabel="column c", ylabel="row r")
    positions = np.arange(flat.size)
    line_ax.fill_between(positions, flat.min(), flat, step="mid", color="black", lw=0.5)
    start = side * highlighted_row
    line_ax.axvspan(start - 0.5, start + side - 0.5, color="tab:orange", alpha=0.35,
                    label=f"row {highlighted_row} = positions {start}..{start + side - 1}")
    line_ax.set_xticks(np.arange(0, flat.size + 1, 4 * side), minor=False)
    line_ax.set_xticks(np.arange(0, flat.size + 1, side), minor=True)
    line_ax.grid(axis="x", which="minor", color="lightgray", lw=0.6)
    line_ax.set(xlim=(-0.5, flat.size - 0.5), title=f"The same pixels flattened: {flat.size} inputs, row after row\n"
                f"(gray lines every {side} positions = one image row)", xlabel="position in the input vector = 28 r + c",
                ylabel="pixel value")
    line_ax.legend(loc="upper right")
    return fig


def hidden_unit_templates_figure(templates: np.ndarray, contributions: np.ndarray, outputs: np.ndarray) -> Figure:
    """Top: each hidden unit's 784 weights as a 28 x 28 template. Bottom: weight x pixel, whose sum + bias is the unit."""
    units = len(templates)
    fig = Figure(figsize=(2.0 * units + 1.4, 5.6), layout="constrained")  # 4 units: 9.4 in, about 1040 px at dpi 110
    axes = fig.subplots(2, units, squeeze=False)
    weight_limit, part_limit = np.abs(templates).max(), max(np.abs(contributions).max(), 1e-12)
    for j in range(units):
        weights = axes[0, j].imshow(templates[j], cmap="RdBu_r", vmin=-weight_limit, vmax=weight_limit)
        axes[0, j].set_title(f"unit {j}")
        parts = axes[1, j].imshow(contributions[j], cmap="PuOr_r", vmin=-part_limit, vmax=part_limit)
        axes[1, j].set_title(f"sum + bias = {outputs[j]:+.3f}\nafter ReLU: {max(outputs[j], 0.0):.3f}", fontsize=10)
        for ax in axes[:, j]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("784 weights\nas 28 x 28")
    axes[1, 0].set_ylabel("weight x pixel")
    fig.colorbar(weights, ax=axes[0, :], label="weight", shrink=0.85)
    fig.colorbar(parts, ax=axes[1, :], label="weight x pixel", shrink=0.85)
    fig.suptitle("Untrained hidden units: random templates;\neach unit adds up its template times the image")
    return fig
