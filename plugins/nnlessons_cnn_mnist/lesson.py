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
from nnlessons_cnn_mnist.models import build, parameter_count
from nnlessons_cnn_mnist.modes import mode_accuracy
from nnlessons_cnn_mnist.recipes import Recipe, cnn_recipe, lenet_recipe
from nnlessons_cnn_mnist.results import confusion_matrix, misclassified, most_confused_pairs
from nnlessons_cnn_mnist.training import DigitData, EpochResult, fit, logits_of, model_input
from nnlessons_cnn_mnist.without_data import networks_before_data, train_and_eval_modes

SEED_OFFSETS = {"lenet": 0, "cnn": 1, "train_subset": 2, "lenet_batches": 3, "cnn_batches": 4, "augment_demo": 5,
                "mnist-mlp": 6, "lstm-mnist": 7, "contender_batches": 8}
MISCLASSIFIED_SHOWN = 32
SINGLE_IMAGES = 50  # test digits also run one at a time, to see whether the rest of the batch matters
EXACT = 1e-5  # float32: the same arithmetic in another order differs by about 1e-7 per value
NAMES = {"lenet": "LeNet-5 (modern)", "cnn": "small CNN"}


def recipes(ctx: RunContext) -> dict[str, Recipe]:
    p = ctx.params
    return {"lenet": lenet_recipe(p.epochs, p.batch_size, p.lr), "cnn": cnn_recipe(p.epochs, p.batch_size, p.lr, p.shift)}


# ---- 3. data ------------------------------------------------------------------------------------


def load_data(ctx: RunContext) -> tuple[DigitData, DigitData]:
    """A seeded random --train-images of the training split, the first --test-images of the test split, on the device."""
    ctx.heading("3. MNIST, moved to the device once")
    train_split = load_mnist(ctx.params.data_dir, train=True, download=ctx.params.download)
    test_split = load_mnist(ctx.params.data_dir, train=False, download=ctx.params.download)
    ctx.adjust_param("train_images", min(ctx.params.train_images, len(train_split)),
                     f"the training data holds {len(train_split):,} images")
    ctx.adjust_param("test_images", min(ctx.params.test_images, len(test_split)), f"the test data holds {len(test_split):,} images")
    rows, data = [], []
    for name, split, used, generator in (("train", train_split, ctx.params.train_images, ctx.generator(SEED_OFFSETS["train_subset"])),
                                         ("test", test_split, ctx.params.test_images, None)):
        images, labels = split.subset(used, generator).to_device(ctx.device)  # (N, 28, 28) in [0, 1], (N,)
        data.append(DigitData(images.unsqueeze(1), labels))  # (N, 1, 28, 28): one channel, as Conv2d reads it
        counts = torch.bincount(labels, minlength=10).cpu()
        rows.append((name, f"{len(labels):,} of {len(split):,}", str(list(data[-1].images.shape)),
                     str(data[-1].images.device), f"{int(counts.min())}..{int(counts.max())}"))
    ctx.table("The digits", ["split", "images used", "tensor", "device", "images per digit"], rows,
              caption="pixels x/255 in [0, 1]; the networks read them standardised, (x - 0.1307) / 0.3081; "
                      "batches are cut from these tensors by indexing")
    return data[0], data[1]


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


def train_one(ctx: RunContext, model: nn.Module, recipe: Recipe, train: DigitData, test: DigitData,
              seed_offset: int, label: str) -> list[EpochResult]:
    """Train with a progress bar (one step per batch; loss and test accuracy after each epoch)."""
    steps = recipe.epochs * -(-len(train) // recipe.batch_size)
    with ctx.progress(steps, label) as bar:
        return fit(model, recipe, train, test, ctx.generator(seed_offset), on_batch=bar.advance,
                   on_epoch=lambda r: bar.advance(0, loss=r.train_loss, test_accuracy=r.test_accuracy), clock=ctx.clock)


def train_networks(ctx: RunContext, networks: dict[str, nn.Module], train: DigitData, test: DigitData) -> dict[str, list[EpochResult]]:
    ctx.heading("4. Training both networks on the device")
    plan = recipes(ctx)
    show_augmentation(ctx, train, plan["cnn"].shift)
    histories = {}
    for key, model in networks.items():
        histories[key] = train_one(ctx, model, plan[key], train, test, SEED_OFFSETS[f"{key}_batches"], f"training {NAMES[key]}")
    rows = [(r.epoch, histories["lenet"][i].train_loss, 100 * histories["lenet"][i].test_accuracy, r.train_loss,
             100 * r.test_accuracy) for i, r in enumerate(histories["cnn"])]
    cnn = plan["cnn"]
    ctx.table("Training, one row per epoch", ["epoch", "LeNet train loss", "LeNet test %", "CNN train loss", "CNN test %"], rows,
              caption=f"Adam, one-cycle learning rate up to {cnn.lr:g}, batches of {cnn.batch_size}, on {ctx.device}; "
                      f"the CNN's digits shifted by up to {cnn.shift} pixels")
    for key, history in histories.items():
        ctx.timings[f"{key}_seconds_by_epoch"] = {str(r.epoch): r.seconds for r in history}  # measured: not metrics
    ctx.save_figure(plots.training_figure({NAMES[k]: h for k, h in histories.items()}), "training.png",
                    caption="Loss of every batch (left) and test accuracy after every epoch (right) for both networks.")
    return histories


# ---- 5. results -----------------------------------------------------------------------------------


def show_results(ctx: RunContext, networks: dict[str, nn.Module], test: DigitData) -> dict[str, Any]:
    ctx.heading("5. Results: accuracy, confusion matrix, the pairs mixed up most")
    plan = recipes(ctx)
    metrics: dict[str, Any] = {}
    pair_rows = []
    for key, model in networks.items():
        logits = logits_of(model, test.images, plan[key])  # (M, 10)
        predicted = logits.argmax(dim=1)  # (M,)
        confusion = confusion_matrix(predicted, test.labels)
        metrics[f"{key}_test_accuracy"] = float(confusion.trace() / confusion.sum())
        metrics[f"{key}_test_errors"] = int(confusion.sum() - confusion.trace())
        pairs = most_confused_pairs(confusion)
        metrics[f"{key}_most_confused"] = {f"{t}->{p}": n for t, p, n in pairs}
        pair_rows += [(NAMES[key], f"{t} read as {p}", n) for t, p, n in pairs] or [(NAMES[key], "none", 0)]
        if key == "cnn":
            ctx.save_figure(plots.confusion_figure(confusion, f"Small CNN on {len(test):,} test digits"),
                            "confusion_matrix.png",
                            caption="Rows are the true digits, columns the predictions; the red cells off the "
                                    "diagonal are the mistakes, and the darkest are the pairs in the table.")
            show_misclassified(ctx, logits, predicted, test)
    ctx.table("The pairs mixed up most often, counted in this run", ["network", "true digit read as", "test digits"],
              pair_rows, caption=f"the largest cells off the diagonal of each confusion matrix, out of {len(test):,} test digits")
    return metrics


def show_misclassified(ctx: RunContext, logits: torch.Tensor, predicted: torch.Tensor, test: DigitData) -> None:
    wrong = misclassified(predicted, test.labels, MISCLASSIFIED_SHOWN)  # (K,) indices
    probabilities = torch.softmax(logits, dim=1).max(dim=1).values.cpu().numpy()  # (M,)
    ctx.save_figure(plots.misclassified_figure(test.images[wrong, 0].cpu().numpy(), test.labels[wrong].cpu().numpy(),
                                               predicted[wrong].cpu().numpy(), probabilities[wrong]),
                    "misclassified_digits.png",
                    caption="The first test digits the small CNN got wrong: true -> predicted digit, with the "
                            "probability it gave its wrong answer. Could you read them?")


# ---- 6. the first layer -------------------------------------------------------------------------


def show_first_layer(ctx: RunContext, networks: dict[str, nn.Module], untrained: dict[str, nn.Module], test: DigitData) -> dict[str, float]:
    """Filters and feature maps of one real test digit, through the untrained and the trained first convolution."""
    ctx.heading("6. What the first layer learned: filters and feature maps, untrained against trained")
    digit = test.images[:1]  # (1, 1, 28, 28), the first test digit
    plan = recipes(ctx)
    rows, metrics = [], {}
    for key in networks:
        filters, maps = {}, {}
        with torch.no_grad():
            for state, model in (("untrained", untrained[key]), ("trained", networks[key])):
                conv = model.conv1
                filters[state] = conv.weight[:, 0].cpu().numpy()  # (K, k, k)
                maps[state] = conv(model_input(digit, plan[key]))[0].cpu().numpy()  # (K, 28, 28)
            change = float(np.linalg.norm(filters["trained"] - filters["untrained"]) / np.linalg.norm(filters["untrained"]))
        metrics[f"{key}_first_layer_relative_change"] = change
        rows.append((NAMES[key], f"{filters['trained'].shape[0]} of {filters['trained'].shape[1]}x{filters['trained'].shape[2]}",
                     change))
        ctx.save_figure(plots.first_layer_figure(digit[0, 0].cpu().numpy(), int(test.labels[0]), NAMES[key], filters, maps),
                        f"first_layer_{key}.png",
                        caption=f"{NAMES[key]}: the first layer's filters and the feature maps they make of one test "
                                f"digit, with the random starting weights (top) and after training (bottom).")
    ctx.table("How far training moved the first layer's filters", ["network", "filters", "||W_trained - W_start|| / ||W_start||"],
              rows, caption="the untrained filters are random numbers: their feature maps mix neighbouring pixels at "
                            "random, looking for nothing yet")
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
                    train: DigitData, test: DigitData) -> dict[str, Any]:
    """Train mnist-mlp's and lstm-mnist's default models on this run's digits; one table for all four networks."""
    ctx.heading("8. Four networks, the same digits: parameters, accuracy, seconds per epoch")
    rows = [(key, "cnn-mnist", NAMES[key], parameter_count(model), len(histories[key]), histories[key][-1].test_accuracy,
             _seconds_per_epoch(histories[key])) for key, model in networks.items()]
    metrics: dict[str, Any] = {}
    if ctx.params.compare:
        for contender in contenders(ctx.quick):
            model = contender_model(contender, ctx.seed + SEED_OFFSETS[contender.lesson], ctx.device)
            history = train_one(ctx, model, contender.recipe, train, test, SEED_OFFSETS["contender_batches"],
                                f"training {contender.lesson}'s model")
            rows.append((contender.lesson, contender.lesson, contender.name, parameter_count(model), len(history),
                         history[-1].test_accuracy, _seconds_per_epoch(history)))
            ctx.timings[f"{contender.lesson}_seconds_by_epoch"] = {str(r.epoch): r.seconds for r in history}
    for key, _, _, parameters, epochs, accuracy, _ in rows:
        metrics[key] = {"parameters": parameters, "epochs": epochs, "test_accuracy": accuracy}
    ctx.table(f"{len(train):,} training and {len(test):,} test digits, {ctx.device}",
              ["lesson", "network", "parameters", "epochs", "test accuracy %", "seconds per epoch"],
              [(lesson, name, parameters, epochs, 100 * accuracy, round(seconds, 2))
               for _, lesson, name, parameters, epochs, accuracy, seconds in rows],
              caption="each network trained with its own lesson's default recipe and epochs"
                      + ("" if ctx.params.compare else "; --no-compare: the other lessons' models were not trained")
                      + f"; seconds measured on this machine ({torch.get_num_threads()} CPU threads), they vary run to run")
    ctx.save_figure(plots.comparison_figure([row[2] for row in rows], [row[3] for row in rows], [row[5] for row in rows]),
                    "comparison.png", caption="Test accuracy against the number of parameters, every network trained "
                                              "on the same digits.")
    return {"comparison": metrics}


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
    ]


def run(ctx: RunContext) -> dict[str, Any]:
    lenet = build("lenet", ctx.seed + SEED_OFFSETS["lenet"]).to(ctx.device)
    cnn = build("cnn", ctx.seed + SEED_OFFSETS["cnn"], ctx.params.dropout).to(ctx.device)
    networks = {"lenet": lenet, "cnn": cnn}
    untrained = copy.deepcopy(networks)
    metrics = networks_before_data(ctx, networks["lenet"], networks["cnn"])
    metrics |= train_and_eval_modes(ctx, networks["cnn"])
    train, test = load_data(ctx)
    metrics |= {"n_train": len(train), "n_test": len(test)}
    histories = train_networks(ctx, networks, train, test)
    metrics |= {f"{key}_test_accuracy_by_epoch": {str(r.epoch): r.test_accuracy for r in history}
                for key, history in histories.items()}
    metrics |= show_results(ctx, networks, test)
    metrics |= show_first_layer(ctx, networks, untrained, test)
    metrics |= show_modes_trained(ctx, networks["cnn"], test)
    metrics |= compare_lessons(ctx, networks, histories, train, test)
    return metrics | show_claims(ctx, lesson_claims(metrics))
