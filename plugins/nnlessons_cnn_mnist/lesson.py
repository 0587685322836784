"""The cnn-mnist run: both CNNs on drawn digits (no data needed), then MNIST, training, results, filters, comparison."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch
from torch import nn

from nnlessons.claims import Claim, show_claims
from nnlessons.mnist import load_mnist
from nnlessons.run_context import RunContext
from nnlessons_cnn_mnist import plots
from nnlessons_cnn_mnist.augment import random_shifts, shift_images
from nnlessons_cnn_mnist.comparison import contender_model, contenders
from nnlessons_cnn_mnist.models import build, conv_layers, parameter_count, receptive_fields
from nnlessons_cnn_mnist.modes import mode_accuracy
from nnlessons_cnn_mnist.recipes import Recipe, cnn_recipe, lenet_recipe
from nnlessons_cnn_mnist.results import confusion_matrix, misclassified, most_confused_pairs, tie_groups
from nnlessons_cnn_mnist.training import DigitData, EpochResult, fit, logits_of, model_input, schedule_trace
from nnlessons_cnn_mnist.without_data import networks_before_data, train_and_eval_modes

SEED_OFFSETS = {"lenet": 0, "cnn": 1, "train_split": 2, "lenet_batches": 3, "cnn_batches": 4, "augment_demo": 5,
                "mnist-mlp": 6, "lstm-mnist": 7, "contender_batches": 8}
MISCLASSIFIED_SHOWN = 32
SINGLE_IMAGES = 50  # test digits also run one at a time, to see whether the rest of the batch matters
EXACT = 1e-5  # float32: the same arithmetic in another order differs by about 1e-7 per value
NAMES = {"lenet": "LeNet-5 (modern)", "cnn": "small CNN"}


def recipes(ctx: RunContext) -> dict[str, Recipe]:
    p = ctx.params
    return {"lenet": lenet_recipe(p.epochs, p.batch_size, p.lr), "cnn": cnn_recipe(p.epochs, p.batch_size, p.lr, p.shift)}


# ---- 3. data ------------------------------------------------------------------------------------


def split_sizes(train: int, val: int, available: int) -> tuple[int, int]:
    """(train, validation) as asked if both fit in the training file, else scaled down together, each >= 1."""
    if train + val <= available:
        return train, val
    val = max(1, val * available // (train + val))
    return available - val, val


def load_data(ctx: RunContext) -> tuple[DigitData, DigitData, DigitData]:
    """Train and validation: one seeded permutation of MNIST's training file, cut in two. Test: the first --test-images."""
    ctx.heading("3. MNIST: training, validation and test digits, moved to the device once")
    train_split = load_mnist(ctx.params.data_dir, train=True, download=ctx.params.download)
    test_split = load_mnist(ctx.params.data_dir, train=False, download=ctx.params.download)
    n_train, n_val = split_sizes(ctx.params.train_images, ctx.params.val_images, len(train_split))
    ctx.adjust_param("train_images", n_train, f"the training file holds {len(train_split):,} images for train and validation")
    ctx.adjust_param("val_images", n_val, f"the training file holds {len(train_split):,} images for train and validation")
    ctx.adjust_param("test_images", min(ctx.params.test_images, len(test_split)), f"the test data holds {len(test_split):,} images")
    order = torch.randperm(len(train_split), generator=ctx.generator(SEED_OFFSETS["train_split"]))  # disjoint by construction
    parts = (("train", train_split, order[:n_train], "every gradient step"),
             ("validation", train_split, order[n_train : n_train + n_val], "after every epoch; the recipe is chosen on it"),
             ("test", test_split, torch.arange(ctx.params.test_images), "once, after training"))
    rows, data = [], []
    for name, split, keep, use in parts:
        images, labels = type(split)(split.images[keep], split.labels[keep]).to_device(ctx.device)  # (N, 28, 28), (N,)
        data.append(DigitData(images.unsqueeze(1), labels))  # (N, 1, 28, 28): one channel, as Conv2d reads it
        counts = torch.bincount(labels, minlength=10).cpu()
        rows.append((name, f"{len(labels):,} of {len(split):,}", str(list(data[-1].images.shape)),
                     str(data[-1].images.device), f"{int(counts.min())}..{int(counts.max())}", use))
    ctx.table("The digits", ["split", "images used", "tensor", "device", "images per digit", "used"], rows,
              caption="train and validation: one seeded permutation of MNIST's training file, no image in both; test: "
                      "MNIST's test file. Pixels x/255 in [0, 1]; the networks read them standardised, "
                      "(x - 0.1307) / 0.3081")
    return data[0], data[1], data[2]


# ---- 4. training ----------------------------------------------------------------------------------


def show_augmentation(ctx: RunContext, train: DigitData, shift: int) -> None:
    """Eight training digits and the same digits moved by a random shift, as training sees them."""
    if shift == 0:
        ctx.console.print("--shift 0: no augmentation, every epoch sees the same digits.")
        return
    count = min(8, len(train))
    shifts = random_shifts(count, shift, ctx.generator(SEED_OFFSETS["augment_demo"]), ctx.device)  # (8, 2)
    moved = shift_images(train.images[:count], shifts, shift, fill=0.0)  # (8, 1, 28, 28)
    ctx.save_figure(plots.augmentation_figure(train.images[:count, 0].cpu().numpy(), moved[:, 0].cpu().numpy(),
                                              shifts.cpu().numpy()), "augmented_digits.png",
                    caption=f"Light augmentation: every epoch each training digit moves by a new random shift of up "
                            f"to {shift} pixels in x and y; the border it uncovers is background.")


def train_one(ctx: RunContext, model: nn.Module, recipe: Recipe, train: DigitData, val: DigitData,
              seed_offset: int, label: str) -> list[EpochResult]:
    """Train with a progress bar (one step per batch; loss and validation accuracy after each epoch)."""
    steps = recipe.epochs * -(-len(train) // recipe.batch_size)
    with ctx.progress(steps, label) as bar:
        return fit(model, recipe, train, val, ctx.generator(seed_offset), on_batch=bar.advance,
                   on_epoch=lambda r: bar.advance(0, loss=r.train_loss, val_accuracy=r.val_accuracy), clock=ctx.clock)


def train_networks(ctx: RunContext, networks: dict[str, nn.Module], train: DigitData,
                   val: DigitData) -> tuple[dict[str, list[EpochResult]], dict[str, Any]]:
    ctx.heading("4. Training both networks on the device, watching the validation digits")
    plan = recipes(ctx)
    show_augmentation(ctx, train, plan["cnn"].shift)
    trace = schedule_trace(plan["cnn"].lr, 1000)
    ctx.console.print(f"OneCycleLR over the run: learning rate {trace['lr_start']:.3g} -> {trace['lr_peak']:.3g} "
                      f"(at {100 * trace['peak_at']:.0f} % of the steps) -> {trace['lr_end']:.2g}; it also cycles "
                      f"Adam's beta1 the other way: {trace['beta1_start']:.3g} -> {trace['beta1_at_peak']:.3g} -> "
                      f"{trace['beta1_end']:.3g} (cycle_momentum=True, PyTorch's default).")
    histories = {}
    for key, model in networks.items():
        histories[key] = train_one(ctx, model, plan[key], train, val, SEED_OFFSETS[f"{key}_batches"], f"training {NAMES[key]}")
    rows = [(r.epoch, histories["lenet"][i].train_loss, 100 * histories["lenet"][i].val_accuracy, r.train_loss,
             100 * r.val_accuracy) for i, r in enumerate(histories["cnn"])]
    cnn = plan["cnn"]
    ctx.table("Training, one row per epoch", ["epoch", "LeNet train loss", "LeNet validation %", "CNN train loss",
                                              "CNN validation %"], rows,
              caption=f"Adam, one-cycle learning rate up to {cnn.lr:g}, batches of {cnn.batch_size}, on {ctx.device}; "
                      f"the CNN's digits shifted by up to {cnn.shift} pixels. The train loss is the mean of the epoch's "
                      f"batch losses (train() mode, shifted digits); the test digits are not looked at here")
    for key, history in histories.items():
        ctx.timings[f"{key}_seconds_by_epoch"] = {str(r.epoch): r.seconds for r in history}  # measured: not metrics
    metrics = {f"schedule_{name}": value for name, value in trace.items()}
    metrics |= show_fit_gap(ctx, networks, train, val, histories)
    return histories, metrics


def loss_and_accuracy(model: nn.Module, data: DigitData, recipe: Recipe) -> tuple[float, float]:
    """Mean cross-entropy and accuracy over every image of `data`, in eval() and without shifts."""
    logits = logits_of(model, data.images, recipe)  # (N, 10)
    return nn.functional.cross_entropy(logits, data.labels).item(), accuracy_of(logits, data.labels)


def accuracy_of(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return (logits.argmax(dim=1) == labels).float().mean().item()


def show_fit_gap(ctx: RunContext, networks: dict[str, nn.Module], train: DigitData, val: DigitData,
                 histories: dict[str, list[EpochResult]]) -> dict[str, Any]:
    """Each trained network on its own training digits and on the validation digits: the generalisation gap."""
    plan = recipes(ctx)
    metrics: dict[str, Any] = {}
    rows = []
    for key, model in networks.items():
        train_loss, train_acc = loss_and_accuracy(model, train, plan[key])
        val_loss, val_acc = loss_and_accuracy(model, val, plan[key])
        last_batch_loss = histories[key][-1].batch_losses[-1]
        metrics |= {f"{key}_train_loss": train_loss, f"{key}_train_accuracy": train_acc, f"{key}_val_loss": val_loss,
                    f"{key}_val_accuracy": val_acc, f"{key}_loss_gap": val_loss - train_loss,
                    f"{key}_last_batch_loss": last_batch_loss}
        rows.append((NAMES[key], last_batch_loss, train_loss, val_loss, val_loss - train_loss, 100 * train_acc,
                     100 * val_acc))
    ctx.table("Fitted against generalised: the trained networks on their training digits and on the validation digits",
              ["network", "last batch loss", "train loss", "validation loss", "gap (val - train)", "train %",
               "validation %"], rows,
              caption="train and validation loss measured the same way, in eval() on every unshifted image; the gap is "
                      "what the generalization lesson calls over-fitting when it grows")
    wider = "lenet" if metrics["lenet_loss_gap"] > metrics["cnn_loss_gap"] else "cnn"
    other = "cnn" if wider == "lenet" else "lenet"
    ctx.console.print(
        f"In this run {NAMES[wider]} has the larger gap: validation loss {metrics[f'{wider}_val_loss']:.3g} against a "
        f"training loss of {metrics[f'{wider}_train_loss']:.3g} ({metrics[f'{wider}_loss_gap']:.3g} apart), "
        f"{NAMES[other]} {metrics[f'{other}_loss_gap']:.3g}. A training loss far below the validation loss is the "
        "over-fitting `generalization` measures: the network fits its own digits better than new ones.")
    metrics["larger_gap"] = wider
    ctx.save_figure(plots.training_figure({NAMES[k]: h for k, h in histories.items()}), "training.png",
                    caption=f"Left: the loss of every training batch (log scale). Right: validation accuracy after every "
                            f"epoch. A low training loss is not the goal: in this run {NAMES[wider]}'s validation loss is "
                            f"the further above its training loss ({metrics[f'{wider}_loss_gap']:.3g} against "
                            f"{metrics[f'{other}_loss_gap']:.3g}, table above), the over-fitting `generalization` measures.")
    return metrics


# ---- 5. results -----------------------------------------------------------------------------------


def show_results(ctx: RunContext, networks: dict[str, nn.Module], test: DigitData) -> dict[str, Any]:
    ctx.heading("5. The test digits, measured once: accuracy, confusion matrix, the pairs mixed up most")
    plan = recipes(ctx)
    metrics: dict[str, Any] = {}
    pair_rows = []
    for key, model in networks.items():
        logits = logits_of(model, test.images, plan[key])  # (M, 10)
        predicted = logits.argmax(dim=1)  # (M,)
        confusion = confusion_matrix(predicted, test.labels)
        metrics[f"{key}_test_accuracy"] = float(confusion.trace() / confusion.sum())  # the one look at the test digits
        metrics[f"{key}_test_errors"] = int(confusion.sum() - confusion.trace())
        pairs = most_confused_pairs(confusion)
        ties = tie_groups(confusion, pairs)
        metrics[f"{key}_most_confused"] = {f"{t}->{p}": n for t, p, n in pairs}
        metrics[f"{key}_most_confused_ties"] = {str(count): cells for count, cells in ties.items()}
        pair_rows += [(NAMES[key], f"{t} read as {p}", n, tie_text(n, ties[n])) for t, p, n in pairs] \
            or [(NAMES[key], "none", 0, "")]
        if key == "cnn":
            ctx.save_figure(plots.confusion_figure(confusion, f"Small CNN on {len(test):,} test digits"),
                            "confusion_matrix.png",
                            caption="Rows are the true digits, columns the predictions; the red cells off the "
                                    "diagonal are the mistakes, and the darkest are the pairs in the table.")
            show_misclassified(ctx, logits, predicted, test)
    ctx.table("The pairs mixed up most often, counted in this run", ["network", "true digit read as", "test digits", "tie"],
              pair_rows, caption=f"the largest cells off the diagonal of each confusion matrix, out of {len(test):,} test "
                                 "digits; pairs with the same count are tied: their order is only the tie-break (true "
                                 "digit, then predicted), and a count of 2 or 3 is too few to call one pair more confused")
    return metrics


def tie_text(count: int, cells: int) -> str:
    """'' for a count only one cell has; else how many cells share it (some may be below the table's cut)."""
    return "" if cells <= 1 else f"tied: {cells} cells have {count}"


def show_misclassified(ctx: RunContext, logits: torch.Tensor, predicted: torch.Tensor, test: DigitData) -> None:
    wrong = misclassified(predicted, test.labels, MISCLASSIFIED_SHOWN)  # (K,) indices
    probabilities = torch.softmax(logits, dim=1).max(dim=1).values.cpu().numpy()  # (M,)
    ctx.save_figure(plots.misclassified_figure(test.images[wrong, 0].cpu().numpy(), test.labels[wrong].cpu().numpy(),
                                               predicted[wrong].cpu().numpy(), probabilities[wrong]),
                    "misclassified_digits.png",
                    caption="The first test digits the small CNN got wrong: true -> predicted digit, with the "
                            "probability it gave its wrong answer. Could you read them?")


# ---- 6. the first layer -------------------------------------------------------------------------


def relative_change(trained: torch.Tensor, start: torch.Tensor) -> float:
    """||W_trained - W_start|| / ||W_start||: how far training moved a layer, relative to its random start."""
    return float((trained - start).norm() / start.norm())


def both_signs(filters: np.ndarray) -> int:
    """How many filters (K, k, k) have at least one positive and one negative weight."""
    flat = filters.reshape(len(filters), -1)
    return int(((flat > 0).any(axis=1) & (flat < 0).any(axis=1)).sum())


def show_first_layer(ctx: RunContext, networks: dict[str, nn.Module], untrained: dict[str, nn.Module], test: DigitData) -> dict[str, Any]:
    """Filters and feature maps of one real test digit through the untrained and trained first convolution; every layer's change."""
    ctx.heading("6. What training changed: every convolution's weights, and the first layer's filters and maps")
    digit = test.images[:1]  # (1, 1, 28, 28), the first test digit
    plan = recipes(ctx)
    rows, metrics = [], {}
    for key in networks:
        fields = {name: field for name, field, _ in receptive_fields(networks[key])}
        changes = {}
        with torch.no_grad():
            for (name, trained), (_, start) in zip(conv_layers(networks[key]), conv_layers(untrained[key])):
                changes[name] = relative_change(trained.weight, start.weight)
                rows.append((NAMES[key], name, f"{fields[name]}x{fields[name]}", tuple(trained.weight.shape),
                             changes[name]))
            filters, maps = {}, {}
            for state, model in (("untrained", untrained[key]), ("trained", networks[key])):
                conv = model.conv1
                filters[state] = conv.weight[:, 0].cpu().numpy()  # (K, k, k)
                maps[state] = conv(model_input(digit, plan[key]))[0].cpu().numpy()  # (K, 28, 28)
        first, deepest = changes["conv1"], max(changes.values())
        metrics |= {f"{key}_first_layer_relative_change": first,
                    f"{key}_relative_change_by_layer": changes,
                    f"{key}_receptive_field": {name: field for name, field in fields.items()},
                    f"{key}_untrained_filters_with_both_signs": both_signs(filters["untrained"]),
                    f"{key}_filters": len(filters["untrained"])}
        ctx.save_figure(plots.first_layer_figure(digit[0, 0].cpu().numpy(), int(test.labels[0]), NAMES[key], filters, maps),
                        f"first_layer_{key}.png",
                        caption=f"{NAMES[key]}: the first layer's filters and the feature maps they make of one test "
                                f"digit, random starting weights (top) and trained (bottom), on a zero-centred scale "
                                f"(red +, blue -, colorbars). Training moved these weights by {first:.2f} of their "
                                f"norm: the two rows look alike, and {both_signs(filters['untrained'])} of "
                                f"{len(filters['untrained'])} random filters already have a positive and a negative "
                                f"side. The evidence of learning is the accuracy, and the deeper layers (table).")
    ctx.table("How far training moved each convolution", ["network", "layer", "receptive field (pixels)", "weights",
                                                          "||W_trained - W_start|| / ||W_start||"], rows,
              caption="receptive field: the square of input pixels that can change one unit of the layer, from the "
                      "kernels and strides (r grows by (k - 1) x jump per layer, the jump doubles at each pooling)")
    for key in networks:
        field = metrics[f"{key}_receptive_field"]
        ctx.console.print(
            f"{NAMES[key]}: the first layer moved {metrics[f'{key}_first_layer_relative_change']:.2f} of its norm; "
            f"{metrics[f'{key}_untrained_filters_with_both_signs']} of {metrics[f'{key}_filters']} untrained filters "
            f"already have both signs. A conv1 unit sees {field['conv1']}x{field['conv1']} pixels, a piece of a "
            f"stroke; the last convolution's units see {list(field.values())[-2]}x{list(field.values())[-2]}.")
    return metrics


# ---- 7. train() and eval() on the trained network -------------------------------------------------


def show_modes_trained(ctx: RunContext, cnn: nn.Module, test: DigitData) -> dict[str, float]:
    ctx.heading("7. The trained CNN in train() and in eval() mode")
    recipe = recipes(ctx)["cnn"]
    numbers = mode_accuracy(cnn, test.images, test.labels, recipe, SINGLE_IMAGES)
    ctx.table("The same trained weights, both modes", ["", "eval()", "train()"], [
        (f"test accuracy %, batches of {recipe.batch_size}", 100 * numbers.eval_accuracy, 100 * numbers.train_mode_accuracy),
        (f"max |logits of a digit alone - in a batch of {numbers.single_images}|", numbers.eval_alone_vs_batch,
         numbers.train_alone_vs_batch),
    ], caption="train() normalises with each batch's own statistics and drops units at random: a digit's answer "
               "depends on its batch and on chance. Forgetting model.eval() before testing gives these numbers.")
    return {"eval_mode_test_accuracy": numbers.eval_accuracy, "train_mode_test_accuracy": numbers.train_mode_accuracy,
            "eval_alone_vs_batch_max_abs_diff": numbers.eval_alone_vs_batch,
            "train_alone_vs_batch_max_abs_diff": numbers.train_alone_vs_batch}


# ---- 8. the other MNIST lessons' models on the same digits --------------------------------------


def compare_lessons(ctx: RunContext, networks: dict[str, nn.Module], histories: dict[str, list[EpochResult]],
                    train: DigitData, val: DigitData, test: DigitData) -> dict[str, Any]:
    """Train mnist-mlp's and lstm-mnist's default models on this run's digits; one table for all four networks."""
    ctx.heading("8. Four networks, the same digits: parameters, accuracy, seconds per epoch")
    plan = recipes(ctx)
    rows = [(key, "cnn-mnist", NAMES[key], parameter_count(model), len(histories[key]),
             accuracy_of(logits_of(model, test.images, plan[key]), test.labels), _seconds_per_epoch(histories[key]),
             recipe_text(plan[key])) for key, model in networks.items()]
    metrics: dict[str, Any] = {}
    if ctx.params.compare:
        for contender in contenders(ctx.quick):
            model = contender_model(contender, ctx.seed + SEED_OFFSETS[contender.lesson], ctx.device)
            history = train_one(ctx, model, contender.recipe, train, val, SEED_OFFSETS["contender_batches"],
                                f"training {contender.lesson}'s model")
            rows.append((contender.lesson, contender.lesson, contender.name, parameter_count(model), len(history),
                         accuracy_of(logits_of(model, test.images, contender.recipe), test.labels),
                         _seconds_per_epoch(history), recipe_text(contender.recipe)))
            ctx.timings[f"{contender.lesson}_seconds_by_epoch"] = {str(r.epoch): r.seconds for r in history}
    for key, _, _, parameters, epochs, accuracy, _, recipe in rows:
        metrics[key] = {"parameters": parameters, "epochs": epochs, "test_accuracy": accuracy, "recipe": recipe}
    ctx.table(f"{len(train):,} training and {len(test):,} test digits, {ctx.device}",
              ["lesson", "network", "recipe", "parameters", "epochs", "test accuracy %", "seconds per epoch"],
              [(lesson, name, recipe, parameters, epochs, 100 * accuracy, round(seconds, 2))
               for _, lesson, name, parameters, epochs, accuracy, seconds, recipe in rows],
              caption="each network trained with its own lesson's default recipe: the epochs, the schedule and the "
                      "shifts differ, so the table compares networks with their recipes, not architectures alone"
                      + ("" if ctx.params.compare else "; --no-compare: the other lessons' models were not trained")
                      + f"; seconds measured on this machine ({torch.get_num_threads()} CPU threads), they vary run to run")
    ctx.save_figure(plots.comparison_figure([row[2] for row in rows], [row[3] for row in rows], [row[5] for row in rows],
                                            [row[7] for row in rows]),
                    "comparison.png", caption="Test accuracy against the number of parameters, every network trained "
                                              "on the same digits, each with its own lesson's recipe (written under its "
                                              "name): the recipes differ, so a gap is the network and its recipe together.")
    return {"comparison": metrics}


def recipe_text(recipe: Recipe) -> str:
    """A recipe in a few words: epochs, schedule and peak learning rate, batch, shifts."""
    schedule = "one-cycle to" if recipe.one_cycle else "constant lr"
    return (f"{recipe.epochs} epochs, {schedule} {recipe.lr:g}, batch {recipe.batch_size}"
            + (f", shifts {recipe.shift}" if recipe.shift else ""))


def _seconds_per_epoch(history: list[EpochResult]) -> float:
    return sum(r.seconds for r in history) / len(history)


# ---- summary --------------------------------------------------------------------------------------


def lesson_claims(m: dict[str, Any]) -> list[Claim]:
    """Every claim the lesson makes, from its metrics."""
    p, dropped = m["dropout_p"], m["dropout_dropped_fraction"]
    spread = 4 * (p * (1 - p) / max(m["dropout_values"], 1)) ** 0.5  # four standard deviations of a binomial share
    return [
        ("LeNet's maps after the second pooling (note 003: 6)", m["lenet_pool2_channels"], "== 16", m["lenet_pool2_channels"] == 16),
        ("LeNet-5 parameters counted - formula", m["lenet_parameters"] - m["lenet_parameters_formula"], "== 0",
         m["lenet_parameters"] == m["lenet_parameters_formula"]),
        ("small CNN parameters counted - formula", m["cnn_parameters"] - m["cnn_parameters_formula"], "== 0",
         m["cnn_parameters"] == m["cnn_parameters_formula"]),
        ("train(): BatchNorm == batch-statistics formula", m["bn_train_vs_formula_max_abs_diff"], f"<= {EXACT:g}",
         m["bn_train_vs_formula_max_abs_diff"] <= EXACT),
        ("running_mean, running_var == momentum formula",
         max(m["bn_running_mean_vs_formula_max_abs_diff"], m["bn_running_var_vs_formula_max_abs_diff"]), f"<= {EXACT:g}",
         max(m["bn_running_mean_vs_formula_max_abs_diff"], m["bn_running_var_vs_formula_max_abs_diff"]) <= EXACT),
        ("eval(): BatchNorm == running-statistics formula", m["bn_eval_vs_formula_max_abs_diff"], f"<= {EXACT:g}",
         m["bn_eval_vs_formula_max_abs_diff"] <= EXACT),
        ("many passes: running stats == batch mean, unbiased var", m["bn_running_vs_batch_after_many_passes"],
         f"<= {EXACT:g}", m["bn_running_vs_batch_after_many_passes"] <= EXACT),
        ("train() and eval() BatchNorm differ on the same batch", m["bn_train_vs_eval_after_one_pass"], "> 0.1",
         m["bn_train_vs_eval_after_one_pass"] > 0.1),
        ("train(): Dropout keeps x / (1 - p) (relative difference)", m["dropout_kept_vs_scaled_max_rel_diff"], f"<= {EXACT:g}",
         m["dropout_kept_vs_scaled_max_rel_diff"] <= EXACT),
        ("train(): Dropout's dropped share - p", dropped - p, f"within +-{spread:.2g}", abs(dropped - p) <= spread),
        ("eval(): Dropout is the identity", m["dropout_eval_is_identity"], "== 1", m["dropout_eval_is_identity"] == 1),
        ("eval(): a digit's logits alone == in a batch", m["eval_alone_vs_batch_max_abs_diff"], "<= 1e-4",
         m["eval_alone_vs_batch_max_abs_diff"] <= 1e-4),
        ("small CNN test accuracy above chance (accuracy - 0.1)", m["cnn_test_accuracy"] - 0.1, "> 0",
         m["cnn_test_accuracy"] > 0.1),
        ("padding's 0 is not background: a blank pixel standardised", m["standardised_background"], "< 0",
         m["standardised_background"] < 0),
        ("Conv2d(1, ...) refuses a (64, 28, 28) batch: 'but got 64 channels'", m["channel_mismatch_names_64_channels"],
         "== 1", m["channel_mismatch_names_64_channels"] == 1),
        ("an unbatched (1, 28, 28) image passes conv1 (output channels)", m["unbatched_conv1_shape"][0], "== 6",
         m["unbatched_conv1_shape"] == [6, 28, 28]),
        ("OneCycleLR also cycles Adam's beta1 (at the peak - at the start)",
         m["schedule_beta1_at_peak"] - m["schedule_beta1_start"], "< 0",
         m["schedule_beta1_at_peak"] < m["schedule_beta1_start"]),
        ("random 3x3 filters already have both signs (small CNN, count)", m["cnn_untrained_filters_with_both_signs"],
         "> 0", m["cnn_untrained_filters_with_both_signs"] > 0),
        observed(m["cnn_relative_change_by_layer"]["conv1"] - max(m["cnn_relative_change_by_layer"].values()),
                 "the small CNN's first layer moved as far as any of its layers (conv1 - largest)",
                 "the small CNN's first layer moved less than a deeper one (conv1 - largest)"),
        observed(m["lenet_loss_gap"] - m["cnn_loss_gap"],
                 "LeNet's loss gap (validation - train) is larger than the small CNN's (LeNet - CNN)",
                 "LeNet's loss gap (validation - train) is not larger than the small CNN's (LeNet - CNN)"),
    ]


def observed(value: float, if_non_negative: str, otherwise: str) -> Claim:
    """A sentence chosen by the sign of `value`: what this run found, computed rather than expected."""
    return (if_non_negative, value, ">= 0", True) if value >= 0 else (otherwise, value, "< 0", True)


def run(ctx: RunContext) -> dict[str, Any]:
    lenet = build("lenet", ctx.seed + SEED_OFFSETS["lenet"]).to(ctx.device)
    cnn = build("cnn", ctx.seed + SEED_OFFSETS["cnn"], ctx.params.dropout).to(ctx.device)
    networks = {"lenet": lenet, "cnn": cnn}
    untrained = copy.deepcopy(networks)
    metrics = networks_before_data(ctx, networks["lenet"], networks["cnn"])
    metrics |= train_and_eval_modes(ctx, networks["cnn"])
    train, val, test = load_data(ctx)
    metrics |= {"n_train": len(train), "n_val": len(val), "n_test": len(test)}
    histories, trained = train_networks(ctx, networks, train, val)
    metrics |= trained
    metrics |= {f"{key}_val_accuracy_by_epoch": {str(r.epoch): r.val_accuracy for r in history}
                for key, history in histories.items()}
    metrics |= show_results(ctx, networks, test)
    metrics |= show_first_layer(ctx, networks, untrained, test)
    metrics |= show_modes_trained(ctx, networks["cnn"], test)
    metrics |= compare_lessons(ctx, networks, histories, train, val, test)
    return metrics | show_claims(ctx, lesson_claims(metrics))
