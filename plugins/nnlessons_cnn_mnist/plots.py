"""The lesson's figures, each a `matplotlib.figure.Figure` built from plain CPU arrays."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from nnlessons_cnn_mnist.training import EpochResult


def tiles(maps: np.ndarray, columns: int, gap: int = 1) -> np.ndarray:
    """(K, h, w) images laid out in one mosaic, `columns` per row, NaN (blank) between them."""
    count, height, width = maps.shape
    rows = -(-count // columns)
    mosaic = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap), np.nan)
    for k in range(count):
        top, left = (k // columns) * (height + gap), (k % columns) * (width + gap)
        mosaic[top : top + height, left : left + width] = maps[k]
    return mosaic


def shapes_figure(digit: np.ndarray, stages: list[tuple[str, np.ndarray]]) -> Figure:
    """A drawn digit and what each LeNet stage makes of it: (name, maps (C, h, w)) per stage, untrained weights."""
    fig = Figure(figsize=(9.5, 4.2), layout="constrained")
    axes = fig.subplots(1, len(stages) + 1)
    axes[0].imshow(digit, cmap="gray_r")
    axes[0].set_title(f"input 1@{digit.shape[0]}x{digit.shape[1]}\n(seen as 32x32)", fontsize=10)
    for ax, (name, maps) in zip(axes[1:], stages):
        ax.imshow(tiles(maps, 2 if len(maps) <= 6 else 4), cmap="viridis")
        ax.set_title(f"{name}\n{maps.shape[0]}@{maps.shape[1]}x{maps.shape[2]}", fontsize=10)
    for ax in axes:
        ax.set_axis_off()
    fig.suptitle("LeNet-5 (modern variant) on a drawn 7, untrained: the shapes, not yet the meaning", fontsize=11)
    return fig


def augmentation_figure(originals: np.ndarray, shifted: np.ndarray, shifts: np.ndarray) -> Figure:
    """Training digits (top) and the same digits moved by their random shift (bottom)."""
    count = len(originals)
    fig = Figure(figsize=(1.15 * max(count, 4), 3.4), layout="constrained")
    axes = fig.subplots(2, count, squeeze=False)
    for k in range(count):
        axes[0, k].imshow(originals[k], cmap="gray_r")
        axes[1, k].imshow(shifted[k], cmap="gray_r")
        axes[1, k].set_title(f"down {shifts[k, 0]:+d}\nright {shifts[k, 1]:+d}", fontsize=9)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 0].set_ylabel("original")
    axes[1, 0].set_ylabel("shifted")
    return fig


def training_figure(histories: dict[str, list[EpochResult]]) -> Figure:
    """Loss of every batch and validation accuracy after every epoch, one line per network."""
    fig = Figure(figsize=(9.5, 3.8), layout="constrained")
    loss_ax, accuracy_ax = fig.subplots(1, 2)
    for (name, results), color in zip(histories.items(), ("tab:orange", "tab:blue", "tab:green", "tab:red")):
        losses = [loss for result in results for loss in result.batch_losses]
        x = np.linspace(0, len(results), num=len(losses) + 1)[1:]
        loss_ax.plot(x, losses, color=color, alpha=0.5, linewidth=0.8, label=name)
        accuracy_ax.plot([r.epoch for r in results], [100 * r.val_accuracy for r in results], "o-", color=color, label=name)
    loss_ax.set_yscale("log")
    loss_ax.set(title="Training loss of every batch", xlabel="epoch", ylabel="cross-entropy (log scale)")
    accuracy_ax.set(title="Validation accuracy after each epoch", xlabel="epoch", ylabel="accuracy (%)")
    for ax in (loss_ax, accuracy_ax):
        ax.legend()
    return fig


def confusion_figure(confusion: np.ndarray, title: str) -> Figure:
    """A 10 x 10 count matrix, rows true digits, columns predicted ones; off-diagonal counts are mistakes."""
    fig = Figure(figsize=(6.5, 5.5), layout="constrained")
    ax = fig.subplots()
    off_diagonal = confusion * (1 - np.eye(len(confusion), dtype=confusion.dtype))
    image = ax.imshow(off_diagonal, cmap="Reds")
    fig.colorbar(image, ax=ax, label="test digits read wrongly")
    for true in range(len(confusion)):
        for predicted in range(len(confusion)):
            count = int(confusion[true, predicted])
            if count:
                right = true == predicted
                ax.text(predicted, true, str(count), ha="center", va="center", fontsize=8 if right else 9,
                        color="gray" if right else "black", fontweight="normal" if right else "bold")
    ax.set(title=title, xlabel="predicted digit", ylabel="true digit", xticks=range(10), yticks=range(10))
    return fig


def misclassified_figure(images: np.ndarray, true: np.ndarray, predicted: np.ndarray, confidence: np.ndarray) -> Figure:
    """The misclassified test digits tiled in one image, 'true -> predicted (probability)' under each."""
    columns, cell_width, cell_height = 8, 34, 44
    rows = max(1, -(-len(images) // columns))
    mosaic = np.full((rows * cell_height, columns * cell_width), np.nan)
    fig = Figure(figsize=(columns * 1.15, rows * 1.5 + 0.6))
    ax = fig.subplots()
    for slot in range(len(images)):
        top, left = (slot // columns) * cell_height + 3, (slot % columns) * cell_width + 3
        mosaic[top : top + 28, left : left + 28] = images[slot]
        ax.text(left + 14, top + 29, f"{true[slot]} -> {predicted[slot]} ({confidence[slot]:.0%})", ha="center",
                va="top", fontsize=9, color="red")
        ax.add_patch(Rectangle((left - 1.5, top - 1.5), 30, 30, fill=False, edgecolor="red", linewidth=1))
    ax.imshow(mosaic, cmap="gray_r")
    ax.set_axis_off()
    ax.set_title("Misclassified test digits: true -> predicted (its probability)", fontsize=11)
    if not len(images):
        ax.text(0.5, 0.5, "no test digit was misclassified", transform=ax.transAxes, ha="center")
    return fig


def first_layer_figure(digit: np.ndarray, label: int, name: str, filters: dict[str, np.ndarray],
                       maps: dict[str, np.ndarray]) -> Figure:
    """One real test digit; the first layer's filters and the feature maps they make, untrained and trained.

    :param filters: {'untrained': (K, k, k), 'trained': (K, k, k)}; :param maps: the same keys, (K, 28, 28).
    """
    count = len(filters["trained"])
    columns = min(count, 8)
    rows = -(-count // columns)
    fig = Figure(figsize=(9.5, 1.2 + 4 * 1.15 * rows), layout="constrained")
    grid = fig.add_gridspec(4, 2, width_ratios=[1, 4.2])
    digit_ax = fig.add_subplot(grid[0:2, 0])
    digit_ax.imshow(digit, cmap="gray_r")
    digit_ax.set_title(f"a test digit ({label})", fontsize=10)
    digit_ax.set_axis_off()
    for row, state in enumerate(("untrained", "trained")):
        weights, response = filters[state], maps[state]
        limit = float(np.abs(weights).max()) or 1.0
        map_limit = float(np.abs(response).max()) or 1.0
        filter_ax, map_ax = fig.add_subplot(grid[2 * row, 1]), fig.add_subplot(grid[2 * row + 1, 1])
        shown = filter_ax.imshow(tiles(weights, columns), cmap="RdBu_r", vmin=-limit, vmax=limit)
        fig.colorbar(shown, ax=filter_ax, label="weight", shrink=0.9)
        filter_ax.set_title(f"{state}: the {count} filters, {weights.shape[1]}x{weights.shape[2]} (red +, blue -, 0 white)",
                            fontsize=10)
        shown = map_ax.imshow(tiles(response, columns, gap=2), cmap="RdBu_r", vmin=-map_limit, vmax=map_limit)
        fig.colorbar(shown, ax=map_ax, label="output", shrink=0.9)
        map_ax.set_title(f"{state}: their feature maps of the digit (before BatchNorm and ReLU)", fontsize=10)
        filter_ax.set_axis_off()
        map_ax.set_axis_off()
    fig.suptitle(f"{name}: the first convolution layer, before and after training", fontsize=11)
    return fig


def comparison_figure(names: list[str], parameters: list[int], accuracies: list[float], recipes: list[str]) -> Figure:
    """Test accuracy against parameter count, one point per model, each labelled with the recipe it was trained with."""
    fig = Figure(figsize=(7.5, 4.6), layout="constrained")
    ax = fig.subplots()
    ax.scatter(parameters, [100 * a for a in accuracies], color="tab:blue")
    for name, x, y, recipe in zip(names, parameters, accuracies, recipes):
        ax.annotate(f"{name}\n{recipe}", (x, 100 * y), textcoords="offset points", xytext=(6, 4), fontsize=8)
    ax.set_xscale("log")
    ax.margins(x=0.35, y=0.15)
    ax.set(title="Same digits, each network with its own lesson's recipe: accuracy vs size",
           xlabel="parameters (log scale)", ylabel="test accuracy (%)")
    return fig
