"""The generalization run: steps 1-2 need no data; then three splits of MNIST, under- and over-fitting, regularisation,
evaluation modes, the test set once, and what choosing by the test set would have reported."""

from __future__ import annotations

import copy
from typing import Any

import torch
from torch import nn

from nnlessons.claims import show_claims
from nnlessons.mnist import load_mnist
from nnlessons.run_context import RunContext
from nnlessons_generalization import modes, optimism, plots, splits
from nnlessons_generalization.claims import lesson_claims
from nnlessons_generalization.model import MLP, parameter_count
from nnlessons_generalization.training import Fitted, TensorData, correct_per_image, evaluate, fit
from nnlessons_generalization.without_data import steps_before_data

SEED_OFFSETS = {"split": 1, "test_subset": 2, "batches": 3, "resample": 4, "model": 10}
RESAMPLE_PAIRS = 200  # random halvings of the held-out digits, each used both ways


def widths(hidden: int) -> list[int]:
    """The capacity ladder: hidden / 64, hidden / 8 and hidden units (4, 32, 256 by default)."""
    return sorted({max(1, hidden // 64), max(1, hidden // 8), hidden})


def train_sizes(n_train: int) -> list[int]:
    """The shrinking training sets: all, a quarter, a sixteenth (nested: each is the start of the one before)."""
    return sorted({n_train, max(1, n_train // 4), max(1, n_train // 16)}, reverse=True)


# ---- 3. data --------------------------------------------------------------------------------------


def load_splits(ctx: RunContext) -> splits.Splits:
    p = ctx.params
    train_file = load_mnist(p.data_dir, train=True, download=p.download)
    test_file = load_mnist(p.data_dir, train=False, download=p.download)
    wanted = (p.train_images, p.val_images, p.fresh_images)
    fitted = splits.fitted_sizes(wanted, len(train_file))
    for name, asked, used in zip(("train_images", "val_images", "fresh_images"), wanted, fitted):
        if used != asked:
            ctx.adjust_param(name, used, f"train, validation and fresh images come from the training file, which holds "
                                         f"{len(train_file):,}")
    ctx.adjust_param("test_images", min(p.test_images, len(test_file)), f"the test file holds {len(test_file):,} images")
    test = test_file.subset(ctx.params.test_images, ctx.generator(SEED_OFFSETS["test_subset"]))
    return splits.split_training_file(train_file, fitted, test, ctx.generator(SEED_OFFSETS["split"]))


def show_splits(ctx: RunContext, parts: splits.Splits) -> dict[str, Any]:
    ctx.heading("3. Three splits from the training file, and the test file kept for the end")
    counts = {name: splits.class_counts(split) for name, split in parts.named()}
    rows = [(name, len(split), "training file" if name != "test" else "test file", min(counts[name]), max(counts[name]),
             max(abs(c / max(len(split), 1) - 0.1) for c in counts[name]))
            for name, split in parts.named()]
    ctx.table("The splits (one seeded permutation of the training file, cut in three)",
              ["split", "images", "from", "fewest of a digit", "most of a digit", "largest |share - 1/10|"], rows,
              formats={"largest |share - 1/10|": ".3f"})
    overlaps = {"train_validation": splits.overlap(parts.train_indices, parts.validation_indices),
                "train_fresh": splits.overlap(parts.train_indices, parts.fresh_indices),
                "validation_fresh": splits.overlap(parts.validation_indices, parts.fresh_indices)}
    ctx.console.print(f"Images shared between train, validation and fresh: {sum(overlaps.values())} "
                      f"(train-validation {overlaps['train_validation']}, train-fresh {overlaps['train_fresh']}, "
                      f"validation-fresh {overlaps['validation_fresh']}).")
    ctx.save_figure(plots.split_figure(counts), "splits.png", caption=(
        "The share of each digit in each split. " + "; ".join(f"{name}: {len(split):,} images, {min(counts[name])} to "
                                                                 f"{max(counts[name])} per digit" for name, split in parts.named())
        + ". A random split keeps the shares near one tenth; a split by position in the file would not have to."))
    return {"split_sizes": {name: len(split) for name, split in parts.named()}, "class_counts": counts,
            "split_overlap": sum(overlaps.values())}


# ---- training helpers -------------------------------------------------------------------------


_starts: dict[int, MLP] = {}  # per width, the starting network of this run, on the device (emptied by run())


def new_model(ctx: RunContext, hidden: int, dropout: float = 0.0) -> MLP:
    """Every network of one width starts from the same weights: built once (seeded, on the CPU, then moved), then copied."""
    if hidden not in _starts:
        with ctx.seeded(SEED_OFFSETS["model"] + hidden):
            _starts[hidden] = MLP(hidden).to(ctx.device)
    model = copy.deepcopy(_starts[hidden])  # a copy on the device: no copy from the host per network
    if dropout > 0:
        model.dropout = nn.Dropout(dropout)  # no weights of its own: the same start as the plain network
    return model


def train_one(ctx: RunContext, label: str, model: MLP, optimizer: torch.optim.Optimizer, train: TensorData,
              val: TensorData) -> Fitted:
    p = ctx.params
    steps = p.epochs * -(-len(train) // p.batch_size)
    with ctx.progress(steps, label) as bar:  # every run gets the same shuffles
        return fit(model, optimizer, train, val, epochs=p.epochs, batch_size=p.batch_size, patience=p.patience,
                   generator=ctx.generator(SEED_OFFSETS["batches"]), bar=bar)


def adam(ctx: RunContext, model: MLP) -> torch.optim.Optimizer:
    return torch.optim.Adam(model.parameters(), lr=ctx.params.lr)


def history_rows(runs: dict[str, Fitted]) -> list[tuple]:
    return [(name, f.history.train_losses[-1], f.history.val_losses[-1], f.history.loss_gaps[-1],
             f.history.train_accuracies[-1], f.history.val_accuracies[-1], f.best_epoch) for name, f in runs.items()]


COLUMNS = ["run", "train loss", "val loss", "gap", "train acc", "val acc", "best epoch"]
FORMATS = {c: ".4f" for c in COLUMNS[1:6]}
LOSS_CAPTION = "last epoch; gap = val loss - train loss; best epoch: the lowest validation loss"


def run_metrics(runs: dict[str, Fitted], key: str) -> dict[str, Any]:
    return {key: {name: {"train_loss": f.history.train_losses, "val_loss": f.history.val_losses,
                         "train_accuracy": f.history.train_accuracies, "val_accuracy": f.history.val_accuracies,
                         "best_epoch": f.best_epoch} for name, f in runs.items()}}


# ---- 4-5. under- and over-fitting -------------------------------------------------------------


def capacity_step(ctx: RunContext, train: TensorData, val: TensorData) -> tuple[dict[str, Fitted], dict[str, Any]]:
    ctx.heading("4. Capacity: networks of growing width on the same training set")
    runs = {}
    for width in widths(ctx.params.hidden):
        model = new_model(ctx, width)
        runs[f"width {width}"] = train_one(ctx, f"width {width}", model, adam(ctx, model), train, val)
    ctx.table(f"After {ctx.params.epochs} epochs on {len(train):,} training images (loss and accuracy in eval())",
              COLUMNS, history_rows(runs), formats=FORMATS,
              caption=LOSS_CAPTION + "; parameters: " + ", ".join(f"{n} {parameter_count(f.model):,}" for n, f in runs.items()))
    ctx.save_figure(plots.curves_figure(f"Growing capacity, {len(train):,} training images", {n: f.history for n, f in runs.items()}),
                    "capacity.png", caption=capacity_caption(runs))
    return runs, run_metrics(runs, "capacity")


def capacity_caption(runs: dict[str, Fitted]) -> str:
    parts = [f"{n}: train {f.history.train_losses[-1]:.3f}, validation {f.history.val_losses[-1]:.3f}, gap "
             f"{f.history.loss_gaps[-1]:+.3f}" for n, f in runs.items()]
    return ("Training (solid) and validation (dashed) loss per epoch for each width, and their gap. At the last epoch: "
            + "; ".join(parts) + ".")


def size_step(ctx: RunContext, train: TensorData, val: TensorData, full: Fitted) -> tuple[dict[str, Fitted], dict[str, Any]]:
    hidden = ctx.params.hidden
    ctx.heading(f"5. Data: the width-{hidden} network on shrinking training sets")
    runs = {}
    for size in train_sizes(len(train)):
        if size == len(train):
            runs[f"{size:,} images"] = full  # the widest run of step 4: the same network on the same set
            continue
        model = new_model(ctx, hidden)
        runs[f"{size:,} images"] = train_one(ctx, f"{size:,} images", model, adam(ctx, model), train.take(size), val)
    ctx.table(f"Width {hidden}, {ctx.params.epochs} epochs each, the same validation set", COLUMNS, history_rows(runs),
              formats=FORMATS, caption=LOSS_CAPTION + "; each smaller set is the start of the larger one")
    ctx.save_figure(plots.curves_figure(f"Width {hidden}, shrinking training sets", {n: f.history for n, f in runs.items()}),
                    "data_size.png", caption=(
        "Training (solid) and validation (dashed) loss per epoch for the same network on fewer and fewer training "
        "images, and the gap. Last epoch's gap: " + "; ".join(f"{n} {f.history.loss_gaps[-1]:+.3f}" for n, f in runs.items())
        + "."))
    return runs, run_metrics(runs, "data_size")


# ---- 6. regularisation --------------------------------------------------------------------------


def regularisation_step(ctx: RunContext, train: TensorData, val: TensorData, plain: Fitted) -> tuple[dict[str, Fitted], dict[str, Any]]:
    p = ctx.params
    ctx.heading("6. Regularisation, measured on the validation set")
    runs = {"none (Adam)": plain}
    model = new_model(ctx, p.hidden)
    runs[f"Adam + L2 {p.weight_decay:g}"] = train_one(
        ctx, "Adam + L2", model, torch.optim.Adam(model.parameters(), lr=p.lr, weight_decay=p.weight_decay), train, val)
    model = new_model(ctx, p.hidden)
    runs[f"AdamW {p.weight_decay:g}"] = train_one(
        ctx, "AdamW", model, torch.optim.AdamW(model.parameters(), lr=p.lr, weight_decay=p.weight_decay), train, val)
    model = new_model(ctx, p.hidden, p.dropout)
    runs[f"dropout {p.dropout:g}"] = train_one(ctx, "dropout", model, adam(ctx, model), train, val)
    rows = history_rows(runs)
    norms = {name: f.model.hidden.weight.detach().norm().item() for name, f in runs.items()}
    ctx.table(f"Width {p.hidden}, {len(train):,} training images, the same start and the same batches", COLUMNS + ["|W1|"],
              [(*row, norms[row[0]]) for row in rows], formats=FORMATS | {"|W1|": ".3f"},
              caption=LOSS_CAPTION + f"; weight_decay {p.weight_decay:g} for both; |W1|: the size (Frobenius norm) "
                      "of the hidden layer's weights at the end")
    stopped = early_stopping_table(ctx, plain, val)
    ctx.save_figure(plots.regularisation_figure({n: f.history for n, f in runs.items()}, plain.best_epoch, plain.stop_epoch),
                    "regularisation.png", caption=(
        "Validation loss and accuracy per epoch with each regulariser; the star is the plain run's lowest validation "
        f"loss (epoch {plain.best_epoch}), the dotted line where early stopping with patience {p.patience} stops "
        f"(epoch {plain.stop_epoch}). Last-epoch validation loss: "
        + "; ".join(f"{n} {f.history.val_losses[-1]:.3f}" for n, f in runs.items()) + "."))
    metrics = run_metrics(runs, "regularisation") | stopped
    metrics["regularisation_final_val_loss"] = {n: f.history.val_losses[-1] for n, f in runs.items()}
    metrics["regularisation_hidden_weight_norm"] = norms
    return runs, metrics


def early_stopping_table(ctx: RunContext, plain: Fitted, val: TensorData) -> dict[str, Any]:
    """Reload both kinds of 'best checkpoint' into a fresh network and measure them on the validation set."""
    h = plain.history
    reloaded = {}
    for name, state in (("deep copy", plain.best_state), ("live state_dict", plain.live_state),
                        ("early stop's copy", plain.stop_state)):
        twin = new_model(ctx, ctx.params.hidden)
        twin.load_state_dict(state)
        reloaded[name] = evaluate(twin, val)
    final = {k: v.detach().clone() for k, v in plain.model.state_dict().items()}
    live_vs_final = max((plain.live_state[k] - final[k]).abs().max().item() for k in final)
    copy_vs_final = max((plain.best_state[k] - final[k]).abs().max().item() for k in final)
    ctx.table(f"The plain run's best checkpoint (epoch {plain.best_epoch} of {len(h.val_losses)}), reloaded",
              ["kept as", "val loss reloaded", "val loss at the best epoch", "val loss at the last epoch",
               "max |kept - last weights|"], [
        ("copy.deepcopy(model.state_dict())", reloaded["deep copy"][0], h.val_losses[plain.best_epoch - 1],
         h.val_losses[-1], copy_vs_final),
        ("model.state_dict() (live)", reloaded["live state_dict"][0], h.val_losses[plain.best_epoch - 1],
         h.val_losses[-1], live_vs_final),
    ], formats={c: ".5f" for c in ("val loss reloaded", "val loss at the best epoch", "val loss at the last epoch")})
    ctx.console.print(
        f"Early stopping with patience {ctx.params.patience} stops after epoch {plain.stop_epoch} and restores epoch "
        f"{plain.stop_best_epoch} (validation loss {h.val_losses[plain.stop_best_epoch - 1]:.4f}, reloaded "
        f"{reloaded['early stop' + chr(39) + 's copy'][0]:.4f}); "
        + (f"it saves {len(h.val_losses) - plain.stop_epoch} of {len(h.val_losses)} epochs."
           if plain.stop_epoch < len(h.val_losses) else "it never stops early in this run."))
    return {"best_epoch": plain.best_epoch, "stop_epoch": plain.stop_epoch, "stop_best_epoch": plain.stop_best_epoch,
            "best_val_loss": h.val_losses[plain.best_epoch - 1], "last_val_loss": h.val_losses[-1],
            "best_copy_reloaded_val_loss": reloaded["deep copy"][0],
            "live_state_reloaded_val_loss": reloaded["live state_dict"][0],
            "stop_copy_reloaded_val_loss": reloaded["early stop's copy"][0],
            "stop_best_val_loss": h.val_losses[plain.stop_best_epoch - 1],
            "live_state_vs_last_weights": live_vs_final, "best_copy_vs_last_weights": copy_vs_final}


# ---- 7. evaluation modes --------------------------------------------------------------------------


def modes_step(ctx: RunContext, dropout_run: Fitted, val: TensorData) -> dict[str, Any]:
    ctx.heading("7. Evaluating: model.eval() and torch.no_grad(), or not")
    found = modes.compare_modes(dropout_run.model, val, ctx.params.batch_size)
    mb = 1e6
    ctx.table(f"The dropout-{ctx.params.dropout:g} network of step 6 on the {len(val):,} validation images",
              ["evaluated", "val loss", "val accuracy", "max |logits - same pass again|", "MB kept for a backward"], [
        ("model.eval(), under torch.no_grad()", found["eval_loss"], found["eval_accuracy"],
         found["eval_repeat_max_abs_diff"], found["graph_bytes_with_no_grad"] / mb),
        ("left in train(): pass 1", found["train_mode_loss"], found["train_mode_accuracy"],
         found["train_mode_repeat_max_abs_diff"], ""),
        ("left in train(): pass 2", found["train_mode_second_loss"], found["train_mode_second_accuracy"], "", ""),
        ("model.eval(), autograd on", found["eval_loss"], found["eval_accuracy"], "",
         found["graph_bytes_without_no_grad"] / mb),
    ], formats={"val loss": ".4f", "val accuracy": ".4f", "MB kept for a backward": ".3f"},
        caption=f"in train() dropout zeroes a new random {ctx.params.dropout:.0%} of the hidden units on every pass, so "
                "each score is a random draw; without no_grad every pass stores its activations for a backward that "
                "never comes")
    last = found["last_batch_images"]
    ctx.console.print(
        f"Averaging the loss per batch of {ctx.params.batch_size} instead of per image gives {found['per_batch_mean_loss']:.5f} "
        f"instead of {found['eval_loss']:.5f}"
        + (f": the last batch holds {last} images and counts as much as a full one." if last and len(val) > ctx.params.batch_size
           else ": with every image in full batches (or one batch) the two agree."))
    return {f"modes_{k}": v for k, v in found.items()}


# ---- 8-9. the test set, and choosing by it --------------------------------------------------------


def candidates(ctx: RunContext, capacity: dict[str, Fitted], regularised: dict[str, Fitted]) -> dict[str, torch.nn.Module]:
    runs = capacity | {name: f for name, f in regularised.items() if name != "none (Adam)"}
    found: dict[str, torch.nn.Module] = {}
    for name, f in runs.items():
        found[name] = f.model
        if f.best_epoch < ctx.params.epochs:  # its lowest validation loss came earlier: that checkpoint is a setting too
            best = new_model(ctx, f.model.hidden.out_features, getattr(f.model.dropout, "p", 0.0))
            best.load_state_dict(f.best_state)
            found[f"{name} @ epoch {f.best_epoch}"] = best
    plain = regularised["none (Adam)"]
    stopped = new_model(ctx, ctx.params.hidden)
    stopped.load_state_dict(plain.stop_state)
    found[f"early stopping (restores epoch {plain.stop_best_epoch})"] = stopped
    return found


def test_once_step(ctx: RunContext, models: dict[str, torch.nn.Module], val: TensorData, test: TensorData) -> dict[str, Any]:
    ctx.heading("8. The test set, once: the setting chosen on validation")
    names = list(models)
    val_scores = [evaluate(m, val) for m in models.values()]
    chosen = max(range(len(names)), key=lambda k: (val_scores[k][1], -k))  # best validation accuracy, first on ties
    test_loss, test_accuracy = evaluate(models[names[chosen]], test)
    ctx.table("Every setting trained on the full training split, scored on validation", ["setting", "val loss", "val accuracy"],
              [(n, *s) for n, s in zip(names, val_scores)], formats={"val loss": ".4f", "val accuracy": ".4f"})
    ctx.console.print(f"Chosen on validation: {names[chosen]}. Its test accuracy, measured once: {test_accuracy:.4f} "
                      f"(loss {test_loss:.4f}) on {len(test):,} test images.")
    return {"chosen_on_validation": names[chosen], "test_accuracy": test_accuracy, "test_loss": test_loss}


def tuning_on_test_step(ctx: RunContext, models: dict[str, torch.nn.Module], data: dict[str, TensorData]) -> dict[str, Any]:
    ctx.heading("9. What choosing by the test set would have reported")
    names = list(models)
    right = {split: torch.stack([correct_per_image(m, data[split]) for m in models.values()]) for split in data}  # (K, N)
    by_val, by_test = optimism.choose(right["validation"], right["test"], right["fresh"])
    table = torch.stack([right[s].float().mean(dim=1) for s in ("validation", "test", "fresh")], dim=1)  # (K, 3)
    ctx.table("Each setting's accuracy on the three held-out sets", ["setting", "validation", "test", "fresh", "chosen by"],
              [(n, *table[k].tolist(), " and ".join(c.by for c in (by_val, by_test) if c.index == k)) for k, n in enumerate(names)],
              formats={"validation": ".4f", "test": ".4f", "fresh": ".4f"})
    ctx.table("The two choices, measured on the fresh digits (from the training file; no model and no choice saw them)",
              ["chosen by", "setting", "reported (test accuracy)", "fresh accuracy", "reported - fresh"],
              [(c.by, names[c.index], c.test_accuracy, c.fresh_accuracy, c.gap) for c in (by_val, by_test)],
              formats={"reported (test accuracy)": ".4f", "fresh accuracy": ".4f", "reported - fresh": "+.4f"})
    pool = torch.cat([right["test"], right["fresh"]], dim=1)  # (K, M): every held-out digit neither training nor validation used
    resampled = optimism.resample(right["validation"], pool, RESAMPLE_PAIRS, ctx.generator(SEED_OFFSETS["resample"]))
    on_reported, on_val = resampled.mean_gap_choosing_on_reported, resampled.mean_gap_choosing_on_validation
    ctx.console.print(
        f"In this split, the setting chosen by test accuracy reports {by_test.test_accuracy:.4f} and gets "
        f"{by_test.fresh_accuracy:.4f} on fresh digits ({by_test.gap:+.4f}); the one chosen on validation reports "
        f"{by_val.test_accuracy:.4f} and gets {by_val.fresh_accuracy:.4f} ({by_val.gap:+.4f}). "
        f"Over {RESAMPLE_PAIRS} random halvings of the {pool.shape[1]:,} test and fresh digits, each used both ways: "
        f"choosing on the half you report overstates the other half by {on_reported:+.4f} on average; choosing on "
        f"validation by {on_val:+.4f}.")
    ctx.save_figure(plots.optimism_figure(names, table.cpu().numpy(), by_val.index, by_test.index,
                                          resampled.counts_choosing_on_reported.cpu().numpy(),
                                          resampled.counts_choosing_on_validation.cpu().numpy(), resampled.half),
                    "optimism.png", caption=(
        f"Left: each setting's accuracy on validation, test and fresh digits; chosen by validation: "
        f"{names[by_val.index]}, by test: {names[by_test.index]}. Right: over {RESAMPLE_PAIRS} random halvings of the "
        f"{pool.shape[1]:,} test and fresh digits, the best setting on one half scores {on_reported:+.4f} higher there "
        f"than on the other half on average (red); the setting chosen on validation {on_val:+.4f} (green)."))
    return {"chosen_by_validation": names[by_val.index], "chosen_by_test": names[by_test.index],
            "by_validation_test_accuracy": by_val.test_accuracy, "by_validation_fresh_accuracy": by_val.fresh_accuracy,
            "by_test_test_accuracy": by_test.test_accuracy, "by_test_fresh_accuracy": by_test.fresh_accuracy,
            "by_test_gap": by_test.gap, "by_validation_gap": by_val.gap,
            "resampled_gap_choosing_on_reported": on_reported, "resampled_gap_choosing_on_validation": on_val,
            "resampled_half": resampled.half, "candidates": len(names)}


def run(ctx: RunContext) -> dict[str, Any]:
    _starts.clear()
    metrics = steps_before_data(ctx)
    parts = load_splits(ctx)
    metrics |= show_splits(ctx, parts)
    data = {name: TensorData(*split.to_device(ctx.device)) for name, split in parts.named()}  # moved once
    train, val = data["train"], data["validation"]
    capacity, found = capacity_step(ctx, train, val)
    metrics |= found
    plain = capacity[f"width {ctx.params.hidden}"]
    _, found = size_step(ctx, train, val, plain)
    metrics |= found
    regularised, found = regularisation_step(ctx, train, val, plain)
    metrics |= found
    metrics |= modes_step(ctx, regularised[f"dropout {ctx.params.dropout:g}"], val)
    models = candidates(ctx, capacity, regularised)
    metrics |= test_once_step(ctx, models, val, data["test"])
    metrics |= tuning_on_test_step(ctx, models, {"validation": val, "test": data["test"], "fresh": data["fresh"]})
    metrics["widths"] = widths(ctx.params.hidden)
    metrics["train_sizes"] = train_sizes(len(train))
    return metrics | show_claims(ctx, lesson_claims(metrics))
