"""The lesson's figures, each a `matplotlib.figure.Figure` built from plain CPU arrays."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from nnlessons_lstm_mnist.train import EpochResult


def loss_curve_figure(results: list[EpochResult], notes_losses: list[float]) -> Figure:
    """Training loss per batch and per epoch, validation accuracy per epoch, and the first steps vs the notes' recipe.

    Loss and accuracy side by side, the race across the row below: 9.5 inches wide (about 1050 px
    at dpi 110), so the docs column shrinks it at most 1.4x.
    """
    fig = Figure(figsize=(9.5, 7.4), layout="constrained")
    axes = fig.subplot_mosaic([["loss", "accuracy"], ["race", "race"]])
    loss_ax, acc_ax, race_ax = axes["loss"], axes["accuracy"], axes["race"]
    batch_losses = [loss for result in results for loss in result.batch_losses]
    batch_x = np.linspace(0, results[-1].epoch, num=len(batch_losses) + 1)[1:]
    epochs = [result.epoch for result in results]
    loss_ax.plot(batch_x, batch_losses, color="tab:blue", alpha=0.35, linewidth=0.8, label="one batch")
    loss_ax.plot(epochs, [r.train_loss for r in results], "o-", color="tab:blue", label="epoch mean")
    loss_ax.set_yscale("log")
    loss_ax.set(title="Training loss (cross-entropy)", xlabel="epoch", ylabel="loss (log scale)")
    loss_ax.legend()
    acc_ax.plot(epochs, [100 * r.held_out_accuracy for r in results], "o-", color="tab:green",
                label="validation accuracy")
    acc_ax.axhline(96, color="gray", linestyle="--", linewidth=1, label="96 %")
    acc_ax.set(title="Validation accuracy after each epoch", xlabel="epoch", ylabel="accuracy (%)")
    acc_ax.legend(loc="lower right")
    steps = min(len(notes_losses), len(batch_losses))
    race_ax.plot(range(1, steps + 1), notes_losses[:steps], color="tab:red", label="notes: SGD lr 0.01, batch 32")
    race_ax.plot(range(1, steps + 1), batch_losses[:steps], color="tab:blue", label="this run")
    race_ax.axhline(2.3026, color="gray", linestyle=":", linewidth=1, label="ln 10 (guessing)")
    race_ax.set(title=f"First {steps} steps from the same weights", xlabel="optimizer step", ylabel="batch loss")
    race_ax.legend()
    return fig


def confusion_figure(confusion: np.ndarray) -> Figure:
    """A 10 x 10 count matrix: rows are true digits, columns predicted ones; the diagonal is correct."""
    fig = Figure(figsize=(6.5, 5.5))
    ax = fig.subplots()
    image = ax.imshow(confusion, cmap="Blues")
    fig.colorbar(image, ax=ax, label="test images")
    threshold = confusion.max() / 2
    for true in range(10):
        for predicted in range(10):
            count = int(confusion[true, predicted])
            if count:
                ax.text(predicted, true, str(count), ha="center", va="center", fontsize=9,
                        color="white" if count > threshold else "black")
    ax.set(title="Confusion matrix on the test images", xlabel="predicted digit", ylabel="true digit",
           xticks=range(10), yticks=range(10))
    return fig


def digit_grid_figure(images: np.ndarray, predicted: np.ndarray, true: np.ndarray, indices: np.ndarray) -> Figure:
    """Test digits tiled in one image, 'predicted / true' under each; mistakes get a red label and frame.

    One imshow of a mosaic instead of one axes per digit: the same picture, drawn several times faster.
    """
    columns, cell_width, cell_height = 8, 34, 42  # 28 pixels + room for the frame and, below, the label
    rows = max(1, -(-len(indices) // columns))
    mosaic = np.full((rows * cell_height, columns * cell_width), np.nan)
    fig = Figure(figsize=(columns * 1.3, rows * 1.6 + 0.5))
    ax = fig.subplots()
    for slot, index in enumerate(indices):
        top, left = (slot // columns) * cell_height + 3, (slot % columns) * cell_width + 3
        mosaic[top : top + 28, left : left + 28] = images[index]
        wrong = predicted[index] != true[index]
        ax.text(left + 14, top + 29, f"pred {predicted[index]} / true {true[index]}", ha="center", va="top",
                fontsize=9, color="red" if wrong else "black")
        if wrong:
            ax.add_patch(Rectangle((left - 1.5, top - 1.5), 30, 30, fill=False, edgecolor="red", linewidth=1.5))
    ax.imshow(mosaic, cmap="gray_r")
    ax.set_axis_off()
    ax.set_title("Test digits: predicted / true label (mistakes in red)")
    return fig


def lstm_output_figure(image: np.ndarray, trained: np.ndarray, untrained: np.ndarray, label: int) -> Figure:
    """One digit, and the LSTM outputs h_t (28 steps x 100 units) of the trained and an untrained model.

    The digit on the left, the two outputs stacked on its right: 9.5 inches wide (about 1050 px at dpi 110).
    """
    fig = Figure(figsize=(9.5, 6.6), layout="constrained")
    axes = fig.subplot_mosaic([["digit", "trained"], ["digit", "untrained"]], width_ratios=[1, 2.4])
    digit_ax, trained_ax, untrained_ax = axes["digit"], axes["trained"], axes["untrained"]
    digit_ax.imshow(image, cmap="gray_r")
    digit_ax.set(title=f"input: digit {label},\nread row by row", xlabel="pixel in the row\n(28 features)",
                 ylabel="row = time step t")
    for ax, outputs, name in ((trained_ax, trained, "trained"), (untrained_ax, untrained, "untrained (the notes' picture)")):
        shown = ax.imshow(outputs.T, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")  # (100, 28): units x time
        ax.set(title=f"LSTM output h_t, {name}", xlabel="time step t (image row)", ylabel="hidden unit")
    fig.colorbar(shown, ax=[trained_ax, untrained_ax], label="h_t value (in -1..1)")
    return fig


def rows_as_time_steps_figure(images: np.ndarray, outputs: np.ndarray, changes: np.ndarray, digits: list[str]) -> Figure:
    """For each drawn digit: its rows (time steps, top to bottom), h_t per step, and ||h_t - h_(t-1)|| per step.

    :param images: (B, 28, 28) ink, 0 = background; :param outputs: (B, 28, H) h_t; :param changes: (B, 28).
    The three panels of a digit share the vertical axis: row t of the image is what step t reads.
    """
    # 2 x 2 digits in 9.5 inches (about 1050 px at dpi 110): short titles, one colour bar per digit
    fig = Figure(figsize=(9.5, 8.8), layout="constrained")
    fig.suptitle("How an LSTM reads a digit: one image row per time step\n(untrained weights, drawn digits, no data needed)")
    steps = np.arange(images.shape[1])
    largest_change, largest_value = float(changes.max()), float(np.abs(outputs).max())
    for index, (group, digit) in enumerate(zip(fig.subfigures(2, 2).flat, digits)):
        image_ax, state_ax, change_ax = group.subplots(1, 3, sharey=True, gridspec_kw={"width_ratios": [1, 1.5, 1]})
        image_ax.imshow(images[index], cmap="gray_r", aspect="auto")
        image_ax.set(title=f"drawn '{digit}'", xlabel="pixel in row\n(28 inputs)", ylabel="row = time step t")
        shown = state_ax.imshow(outputs[index], cmap="RdBu_r", vmin=-largest_value, vmax=largest_value,
                                aspect="auto")  # (28, H): t x units
        state_ax.set(title=f"h_t: {outputs.shape[2]} units", xlabel="hidden unit")
        change_ax.barh(steps, changes[index], height=0.8, color="tab:purple")
        change_ax.set(title="h_t moves", xlabel="||h_t - h_(t-1)||", xlim=(0, 1.05 * largest_change))
        change_ax.xaxis.set_major_locator(MaxNLocator(2))  # two ticks fit the narrow panel
        group.colorbar(shown, ax=state_ax, location="bottom", shrink=0.8, label="h_t value")
    return fig
