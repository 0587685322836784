"""The lesson's run: the model on drawn digits (no data needed), then MNIST, step sizes, training, results."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch

from nnlessons.mnist import MNIST_MEAN, MNIST_STD
from nnlessons.run_context import Params, RunContext
from nnlessons_lstm_mnist import plots
from nnlessons_lstm_mnist.data import DeviceData, class_counts, fitted_sizes, load_splits, prepare
from nnlessons_lstm_mnist.model import RowLSTM, build_model
from nnlessons_lstm_mnist.recipes import NOTES_RECIPE, Recipe
from nnlessons_lstm_mnist.step_size import first_step_sizes
from nnlessons_lstm_mnist.train import EpochResult, accuracy, fit, logits_of, losses_over_steps, predict
from nnlessons_lstm_mnist.without_data import model_before_data

GRID_SIZE = 32
GRID_MISTAKES = 8  # at most this many of the grid's digits are chosen among the mistakes


def recipe_from(params: Params) -> Recipe:
    return Recipe(
        optimizer=params.optimizer,
        lr=params.lr,
        batch_size=params.batch_size,
        clip=params.clip,
        normalize=params.normalize,
    )


# ---- 2. data (step 1, the model on drawn digits, is in without_data.py) ------------------------


SPLIT_USES = {"train": "trained on", "validation": "every epoch", "test": "once, at the end"}


def show_data(ctx: RunContext, recipe: Recipe) -> DeviceData:
    train, test = load_splits(ctx.params.data_dir, ctx.params.download)
    # Asking for more images than the data holds uses all of them; the run records the numbers it used.
    n_train, n_val = fitted_sizes(ctx.params.limit_train, ctx.params.limit_val, len(train))
    reason = (f"the training data holds {len(train):,} images, shared by --limit-train and --limit-val in the "
              "proportion asked")
    ctx.adjust_param("limit_val", n_val, reason)
    ctx.adjust_param("limit_train", n_train, reason)
    ctx.adjust_param("limit_test", min(ctx.params.limit_test, len(test)), f"the test data holds {len(test):,} images")
    data = prepare(train, test, ctx.params.limit_train, ctx.params.limit_test, recipe.normalize, ctx.device,
                   ctx.generator(1), limit_val=ctx.params.limit_val)
    scaling = "standardised: (x/255 - 0.1307) / 0.3081" if recipe.normalize else "x/255, in [0, 1]"
    rows = []
    for name, (images, labels), available in (("train", data.train, data.available_train),
                                              ("validation", data.val, data.available_train),
                                              ("test", data.test, data.available_test)):
        counts = class_counts(labels)
        rows.append((name, f"{len(labels):,} of {available:,}", f"{min(counts)}..{max(counts)}",
                     images.mean().item(), images.std().item(), SPLIT_USES[name]))
    ctx.table(
        "MNIST on the device: (N, 28, 28) images, (N,) labels",
        ["split", "images used", "per digit", "pixel mean", "pixel std", "used"],
        rows, formats={"pixel mean": ".3g", "pixel std": ".3g"},
        caption=f"{str(data.train_images.dtype).replace('torch.', '')} on {data.train_images.device}; pixels "
        f"{scaling}. Train and validation: one seeded permutation of the training file, {data.train_val_overlap} "
        "images in both; test: the test file. Batches are cut from these tensors by indexing with a seeded "
        "permutation",
    )
    return data


# ---- 3. why the notes' recipe is slow ---------------------------------------------------------


def show_first_steps(ctx: RunContext, model: RowLSTM, data: DeviceData, recipe: Recipe) -> dict[str, float]:
    """Compare the size of the very first update of the notes' SGD and of this run's recipe."""
    batch = slice(0, min(len(data.train_labels), 128))
    recipes = {"notes": NOTES_RECIPE, "this run": recipe}
    sizes = first_step_sizes(model, data.train_images[batch], data.train_labels[batch], recipes)
    rows = [(name, grad, sizes.steps["notes"][i], sizes.steps["this run"][i], sizes.steps["this run"][i] / max(sizes.steps["notes"][i], 1e-30))
            for i, (name, grad) in enumerate(zip(sizes.names, sizes.gradient_norms))]
    ratio = sizes.total("this run") / sizes.total("notes")
    ctx.table(
        "How far the first step moves each tensor (same weights, same batch)",
        ["tensor", "gradient norm", "step, notes: SGD lr 0.01", f"step, this run: {recipe.optimizer} lr {recipe.lr:g}", "ratio"],
        rows,
        footer=["all tensors", "", sizes.total("notes"), sizes.total("this run"), ratio],
        caption="SGD moves by lr * gradient, and the LSTM's gradients are small; Adam moves every weight by about lr",
    )
    return {"first_step_notes": sizes.total("notes"), "first_step_this_run": sizes.total("this run"), "first_step_ratio": ratio}


def notes_recipe_losses(ctx: RunContext, model: RowLSTM, data: DeviceData) -> list[float]:
    """Train a copy of the untrained model with the notes' recipe (pixels x/255) for --compare-steps batches."""
    images = data.train_images * MNIST_STD + MNIST_MEAN if ctx.params.normalize else data.train_images  # (N, 28, 28)
    return losses_over_steps(copy.deepcopy(model), NOTES_RECIPE, images, data.train_labels, ctx.params.compare_steps,
                             ctx.generator(3))


def window_mean(losses: list[float], step: int, width: int = 10) -> float:
    """Mean loss over the `width` batches ending at `step` (1-based): one batch alone is too noisy."""
    window = losses[max(0, step - width) : step]
    return sum(window) / len(window)


def show_recipe_race(ctx: RunContext, notes_losses: list[float], results: list[EpochResult], recipe: Recipe) -> dict[str, float]:
    """Loss after the same number of steps from the same start: the notes' recipe vs this run's."""
    run_losses = [loss for result in results for loss in result.batch_losses]
    steps = min(len(notes_losses), len(run_losses))
    checkpoints = sorted({1, max(1, steps // 4), max(1, steps // 2), steps})
    ctx.table(
        f"The first {steps} steps from the same weights: loss (mean of the last 10 batches)",
        ["step", "notes: SGD lr 0.01, batch 32", f"this run: {recipe.optimizer} lr {recipe.lr:g}, batch {recipe.batch_size}"],
        [(step, window_mean(notes_losses, step), window_mean(run_losses, step)) for step in checkpoints],
        caption="ln 10 = 2.3026 is the loss of a model that gives every digit probability 1/10",
    )
    return {"compare_steps": steps, "notes_loss_at_compare_steps": window_mean(notes_losses, steps),
            "this_run_loss_at_compare_steps": window_mean(run_losses, steps)}


# ---- 4. training ------------------------------------------------------------------------------


def train_with_progress(ctx: RunContext, model: RowLSTM, recipe: Recipe, data: DeviceData,
                        notes_losses: list[float]) -> list[EpochResult]:
    """Train with one progress bar per epoch, then print one table row per epoch."""
    epochs = ctx.params.epochs
    batches_per_epoch = -(-len(data.train_labels) // recipe.batch_size)

    @contextlib.contextmanager
    def epoch_bar(epoch: int) -> Iterator[Callable[[], None]]:
        with ctx.progress(batches_per_epoch, f"epoch {epoch}/{epochs}") as bar:
            yield bar.advance

    results = fit(model, recipe, data.train, data.val, epochs, ctx.generator(2), epoch_progress=epoch_bar, clock=ctx.clock)
    # measured times differ from run to run: they go to run.json's timings, never into the metrics
    ctx.timings["train_seconds_by_epoch"] = {str(int(r.epoch)): r.seconds for r in results}
    ctx.timings["train_seconds"] = sum(r.seconds for r in results)
    ctx.table(
        "Training, one row per epoch",
        ["epoch", "train loss (mean over batches)", "validation accuracy %", "train seconds"],
        [(int(r.epoch), r.train_loss, 100 * r.held_out_accuracy, round(r.seconds, 2)) for r in results],
        footer=["total", "", "", round(sum(r.seconds for r in results), 2)],
        caption=f"{recipe.optimizer} lr {recipe.lr:g}, batch {recipe.batch_size}, clip {recipe.clip:g}, "
        f"{len(data.train_labels):,} training and {len(data.val_labels):,} validation images on {ctx.device}"
        + (f" ({torch.get_num_threads()} CPU thread(s))" if ctx.device.type == "cpu" else ""),
    )
    steps = min(len(notes_losses), sum(len(r.batch_losses) for r in results))
    ctx.save_figure(plots.loss_curve_figure(results, notes_losses), "loss_curve.png", caption=(
        "Top: the training loss of every batch and its mean per epoch (log scale), and the accuracy on the validation "
        f"digits after each epoch, {100 * results[-1].held_out_accuracy:.1f}% at the end (dashed line: 96%). Bottom: the first {steps} steps "
        f"from the same weights, this run's {recipe.optimizer} lr {recipe.lr:g}, batch {recipe.batch_size} against the "
        "notes' SGD lr 0.01, batch 32, with the loss of guessing, ln 10, dotted."))
    return results


# ---- 5. results -------------------------------------------------------------------------------


def confusion_matrix(predicted: torch.Tensor, true: torch.Tensor) -> np.ndarray:
    """(10, 10) counts, rows = true digit, columns = predicted digit."""
    return torch.bincount(true * 10 + predicted, minlength=100).reshape(10, 10).cpu().numpy()


#: How many of the largest off-diagonal cells of the confusion matrix the lesson names.
CONFUSED_PAIRS_SHOWN = 3


def most_confused_pairs(confusion: np.ndarray, top: int = CONFUSED_PAIRS_SHOWN) -> list[tuple[int, int, int]]:
    """The `top` largest off-diagonal cells as (true digit, predicted digit, count), largest first.

    Cells with no mistakes are left out; equal counts keep the matrix's order (true, then predicted).
    """
    cells = [(int(confusion[t, p]), t, p) for t in range(confusion.shape[0]) for p in range(confusion.shape[1])
             if t != p and confusion[t, p] > 0]
    cells.sort(key=lambda cell: (-cell[0], cell[1], cell[2]))
    return [(t, p, count) for count, t, p in cells[:top]]


def show_confused_pairs(ctx: RunContext, confusion: np.ndarray) -> dict[str, int]:
    """Name the digits this run mixed up most, read from its own confusion matrix; return them as a metric."""
    pairs = most_confused_pairs(confusion)
    if not pairs:
        ctx.console.print("No test digit was read as another one in this run: the confusion matrix is diagonal.")
        return {}
    ctx.table(
        "The digits this run mixed up most (largest cells off the diagonal)",
        ["true digit", "read as", "test images", "share of that digit's test images %"],
        [(t, p, count, 100 * count / confusion[t].sum()) for t, p, count in pairs],
        caption=f"from this run's confusion matrix; {int(confusion.sum() - confusion.trace()):,} mistakes in all",
    )
    return {f"{t} read as {p}": count for t, p, count in pairs}


def grid_indices(predicted: np.ndarray, true: np.ndarray) -> np.ndarray:
    """The first test digits, with up to GRID_MISTAKES of the mistakes swapped in so they can be seen."""
    mistakes = np.flatnonzero(predicted != true)[:GRID_MISTAKES]
    size = min(GRID_SIZE, len(true))
    chosen = set(mistakes.tolist())
    first = [i for i in range(size) if i not in chosen][: size - len(mistakes)]
    return np.sort(np.concatenate([first, mistakes]).astype(int))


def show_results(ctx: RunContext, model: RowLSTM, untrained: RowLSTM, data: DeviceData) -> dict[str, Any]:
    predicted = predict(model, data.test_images)  # (M,)
    confusion = confusion_matrix(predicted, data.test_labels)
    per_digit = confusion.diagonal() / np.maximum(confusion.sum(axis=1), 1)
    ctx.console.print(f"The test digits, {len(data.test_labels):,} of them, measured once, now that training is over; "
                      "nothing above was chosen or compared on them.")
    ctx.table(
        "Test accuracy per digit",
        ["digit", "test images", "correct", "accuracy %"],
        [(d, int(confusion[d].sum()), int(confusion[d, d]), 100 * per_digit[d]) for d in range(10)],
        footer=["all", int(confusion.sum()), int(confusion.trace()), 100 * accuracy(predicted, data.test_labels)],
    )
    confused = show_confused_pairs(ctx, confusion)
    images = data.test_images.cpu().numpy()
    predicted_np, true_np = predicted.cpu().numpy(), data.test_labels.cpu().numpy()
    mistakes = int(confusion.sum() - confusion.trace())
    ctx.save_figure(plots.confusion_figure(confusion), "confusion_matrix.png", caption=(
        "How many test images of each true digit (row) the trained network read as each digit (column): the "
        f"diagonal holds the right answers, every other number a kind of mistake: {mistakes:,} mistakes among "
        f"{int(confusion.sum()):,} test images."))
    shown = grid_indices(predicted_np, true_np)
    ctx.save_figure(plots.digit_grid_figure(images, predicted_np, true_np, shown), "test_digits.png", caption=(
        f"{len(shown)} test digits, the first ones with up to {GRID_MISTAKES} of the mistakes swapped in, each with "
        f"the predicted and the true label under it; the {int((predicted_np[shown] != true_np[shown]).sum())} "
        "mistakes among them are framed and labelled in red."))
    with torch.no_grad():
        digit = data.test_images[:1]  # (1, 28, 28)
        trained_outputs = model.lstm(digit)[0][0].cpu().numpy()  # (28, 100)
        untrained_outputs = untrained.lstm(digit)[0][0].cpu().numpy()  # (28, 100)
    ctx.save_figure(plots.lstm_output_figure(images[0], trained_outputs, untrained_outputs, int(true_np[0])), "lstm_output.png",
                    caption=(
        f"The first test digit, labelled {int(true_np[0])} (left), and the LSTM's output h_t as it reads it: its "
        f"{trained_outputs.shape[1]} hidden units (rows) after each of the 28 image rows (columns), in the trained "
        "network (top) and in the same network before training (bottom), on one colour scale from -1 to 1. The last "
        "column is all the Linear layer sees."))
    return {"test_accuracy": accuracy(predicted, data.test_labels), "test_accuracy_per_digit": {str(d): float(per_digit[d]) for d in range(10)},
            "most_confused": confused}


def save_and_reload(ctx: RunContext, model: RowLSTM, data: DeviceData) -> float:
    """Save the state_dict, load it into a fresh model, and compare the logits on the test images."""
    path = ctx.path("lstm_mnist_state_dict.pt")
    torch.save(model.state_dict(), path)
    ctx.add_artifact(path)
    restored = RowLSTM().to(ctx.device)
    restored.load_state_dict(torch.load(path, map_location=ctx.device, weights_only=True))
    difference = (logits_of(restored, data.test_images) - logits_of(model, data.test_images)).abs().max().item()
    ctx.table("Saved model", ["file", "reloaded logits vs trained, max abs difference"], [(path.name, difference)])
    return difference


def run(ctx: RunContext) -> dict[str, Any]:
    recipe = recipe_from(ctx.params)
    ctx.heading("1. The model, before any data: an LSTM reads a digit row by row")
    model = build_model(ctx.device, ctx.seed)
    untrained = copy.deepcopy(model)
    metrics: dict[str, Any] = model_before_data(ctx, model, recipe.normalize)

    ctx.heading("2. The data: training, validation and test digits, moved to the device once")
    data = show_data(ctx, recipe)

    ctx.heading("3. Why the notes' recipe learns slowly")
    metrics |= show_first_steps(ctx, model, data, recipe)
    notes_losses = notes_recipe_losses(ctx, model, data)

    ctx.heading("4. Training")
    results = train_with_progress(ctx, model, recipe, data, notes_losses)
    metrics |= show_recipe_race(ctx, notes_losses, results, recipe)

    ctx.heading("5. Results on the test digits, measured once")
    metrics |= show_results(ctx, model, untrained, data)
    metrics["reload_logits_max_abs_diff"] = save_and_reload(ctx, model, data)
    metrics |= {
        "epochs": len(results),
        "final_train_loss": results[-1].train_loss,
        "n_train": len(data.train_labels),
        "n_val": len(data.val_labels),
        "n_test": len(data.test_labels),
        "train_val_overlap": data.train_val_overlap,
        "val_accuracy_by_epoch": {str(int(r.epoch)): r.held_out_accuracy for r in results},
    }
    return metrics
