"""The dataset-dataloader lesson, step by step: read a CSV, batch it, shuffle it, time it, train on it."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import DataLoader, Subset, TensorDataset, random_split

from nnlessons.csv_input import given_path
from nnlessons.run_context import RunContext
from nnlessons_dataset_dataloader import batching, pitfalls, plots, shuffling, throughput
from nnlessons_dataset_dataloader.csv_table import TRUE_BIAS, TRUE_WEIGHTS, generate_table, write_table
from nnlessons_dataset_dataloader.dataset import CsvDataset
from nnlessons_dataset_dataloader.model import build_classifier, logit_loss_check, majority_accuracy, train

BATCH_SIZES = (1, 16, 32, 64, 100)
#: One item of the "waiting" dataset sleeps this long, standing in for reading one image file.
ITEM_WAIT_SECONDS = 0.001
TEST_FRACTION = 0.2
SHOWN_ROWS = 10


def run(ctx: RunContext) -> dict[str, Any]:
    """Run every step of the lesson and return its metrics."""
    path = csv_path(ctx)
    dataset = CsvDataset(path)
    metrics: dict[str, Any] = {}
    metrics.update(show_dataset(ctx, dataset, path))
    metrics.update(show_batches(ctx, dataset))
    metrics.update(show_shuffle(ctx, dataset))
    metrics.update(show_tensor_dataset(ctx, dataset))
    metrics.update(show_throughput(ctx, dataset))
    metrics.update(show_training(ctx, dataset, generated=given_path(ctx.params.csv) is None))
    return metrics


def csv_path(ctx: RunContext) -> Path:
    """The user's --csv, or the generated table written into the run folder (so the lesson really reads a file)."""
    path = given_path(ctx.params.csv)
    if path is not None:
        return path
    table = generate_table(ctx.generator(0), rows=ctx.params.rows)  # (759, 9) on the CPU
    return ctx.add_artifact(write_table(table, ctx.path("table.csv")))


# ---- 1. the Dataset ---------------------------------------------------------------------------


def show_dataset(ctx: RunContext, dataset: CsvDataset, path: Path) -> dict[str, Any]:
    """len, one item, and the two pitfalls: the base class, and the label's shape."""
    ctx.heading("1. A Dataset over a CSV file: __init__, __getitem__, __len__")
    features, label = dataset[0]  # (F,), (1,)
    positives = int(dataset.labels.sum())
    ctx.table("CsvDataset", ["expression", "value"], [
        ("file read in __init__", str(path)),
        ("len(dataset)", len(dataset)),
        ("features, label = dataset[0]", f"features {list(features.shape)}, label {list(label.shape)}"),
        ("rows with label 1", f"{positives} of {len(dataset)} ({positives / len(dataset):.1%})"),
    ])
    base = pitfalls.base_dataset_outcomes()
    ctx.table("The base class torch.utils.data.Dataset is not abstract", ["code", "result"],
              [(o.code, o.result) for o in base],
              caption="It can be built; it only fails when asked for items. Subclasses supply __getitem__ and __len__.")
    return {
        "rows": len(dataset),
        "features": int(features.shape[0]),
        "label_shape_cols": int(label.shape[0]),
        "positive_fraction": positives / len(dataset),
        "base_dataset_instantiable": int(not base[0].raised),
        "base_dataset_getitem_raises": int(base[1].raised),
        **show_label_shapes(ctx, dataset),
    }


def show_label_shapes(ctx: RunContext, dataset: CsvDataset) -> dict[str, Any]:
    """table[:, -1] vs table[:, [-1]], and what BCEWithLogitsLoss does with each shape."""
    table = torch.cat([dataset.features, dataset.labels], dim=1).numpy()  # (N, F + 1)
    flat_shape, column_shape = pitfalls.label_column_shapes(table)
    losses = pitfalls.bce_shape_outcomes(ctx.params.batch_size, ctx.device)
    ctx.table("Keep the label a column", ["code", "result"], [
        ("table[:, -1].shape", str(flat_shape)),
        ("table[:, [-1]].shape", str(column_shape)),
        *[(o.code, o.result) for o in losses],
    ], caption="The model outputs (B, 1) logits; BCEWithLogitsLoss needs a target of exactly that shape.")
    return {"bce_column_target_ok": int(not losses[0].raised), "bce_flat_target_rejected": int(losses[1].raised)}


# ---- 2. batches ---------------------------------------------------------------------------------


def show_batches(ctx: RunContext, dataset: CsvDataset) -> dict[str, Any]:
    """One batch's shapes and how many batches an epoch has, for several batch sizes."""
    ctx.heading("2. DataLoader: mini-batches and batches per epoch")
    size = ctx.params.batch_size
    features, labels = batching.first_batch(dataset, size, ctx.generator(1))  # (B, F), (B, 1)
    ctx.table(f"First batch of DataLoader(dataset, batch_size={size}, shuffle=True)", ["tensor", "shape", "dtype"], [
        ("features", str(list(features.shape)), str(features.dtype)),
        ("labels", str(list(labels.shape)), str(labels.dtype)),
    ])
    counts = batching.count_table(dataset, sorted({*BATCH_SIZES, size}))
    n_rows = len(dataset)
    ctx.table(f"Batches per epoch for N = {n_rows} rows", [
        "batch size", "drop_last", "formula", "len(loader)", "counted", "last batch", "rows seen",
    ], [(c.batch_size, str(c.drop_last), c.formula, c.loader_len, c.counted, c.last_batch_rows, c.rows_seen) for c in counts],
        caption="formula: ceil(N / B), or floor(N / B) with drop_last=True, which skips the short last batch's rows that epoch. "
                "'counted' iterates one epoch; 'last batch' is its row count.")
    return {
        "first_batch": {"features_rows": features.shape[0], "features_cols": features.shape[1],
                        "labels_rows": labels.shape[0], "labels_cols": labels.shape[1]},
        "batches_per_epoch": {f"b{c.batch_size}{'_drop_last' if c.drop_last else ''}": c.counted for c in counts},
        "batch_count_mismatches": sum(not c.agrees for c in counts),
    }


# ---- 3. shuffle ---------------------------------------------------------------------------------


def show_shuffle(ctx: RunContext, dataset: CsvDataset) -> dict[str, Any]:
    """A new order every epoch; the same orders again from the same seed; row order only, never row content."""
    ctx.heading("3. shuffle=True: a new order each epoch, the same orders from the same seed")
    n_rows, size = len(dataset), ctx.params.batch_size
    run_a = shuffling.epoch_orders(n_rows, size, ctx.generator(1), epochs=2)
    run_b = shuffling.epoch_orders(n_rows, size, ctx.generator(1), epochs=2)  # a new loader, same seed
    other = shuffling.epoch_orders(n_rows, size, ctx.generator(2), epochs=1)
    plain = shuffling.epoch_orders(n_rows, size, None, epochs=1)
    runs = [("A, seed s", 1, run_a[0]), ("A, seed s", 2, run_a[1]), ("B, seed s", 1, run_b[0]),
            ("B, seed s", 2, run_b[1]), ("C, seed s+1", 1, other[0]), ("shuffle=False", 1, plain[0])]
    ctx.table(f"Row order of each epoch (first {SHOWN_ROWS} of {n_rows})", ["loader", "epoch", "rows", "every row once"],
              [(name, epoch, " ".join(str(i) for i in order[:SHOWN_ROWS].tolist()), str(shuffling.is_permutation(order)))
               for name, epoch, order in runs])
    loaded = shuffling.epoch_features(dataset, size, ctx.generator(1), epochs=2)
    mismatch = max(shuffling.rows_mismatch(loaded[e], dataset, run_a[e]) for e in range(2))
    checks = {
        "epoch1_vs_epoch2_positions_differ": shuffling.positions_differing(run_a[0], run_a[1]),
        "same_seed_positions_differ": shuffling.positions_differing(run_a[0], run_b[0]) + shuffling.positions_differing(run_a[1], run_b[1]),
        "other_seed_positions_differ": shuffling.positions_differing(run_a[0], other[0]),
        "all_orders_are_permutations": int(all(shuffling.is_permutation(order) for _, _, order in runs)),
        "unshuffled_is_file_order": int(torch.equal(plain[0], torch.arange(n_rows))),
        "loader_rows_max_abs_diff": mismatch,
    }
    ctx.table("Shuffle checks", ["check", "value"], [
        (f"A epoch 1 vs A epoch 2: positions holding a different row (of {n_rows})", checks["epoch1_vs_epoch2_positions_differ"]),
        ("A vs B, same seed, both epochs: positions that differ", checks["same_seed_positions_differ"]),
        ("A vs C, another seed, epoch 1: positions that differ", checks["other_seed_positions_differ"]),
        ("shuffle=False yields rows 0, 1, 2, ... (1 = yes)", checks["unshuffled_is_file_order"]),
        ("features the loader yields vs dataset.features[order]: max |diff|", mismatch),
    ])
    return {"shuffle": checks}


# ---- 4. TensorDataset ---------------------------------------------------------------------------


def show_tensor_dataset(ctx: RunContext, dataset: CsvDataset) -> dict[str, Any]:
    """TensorDataset(features, labels) gives the same items and, with the same seed, the same batches."""
    ctx.heading("4. TensorDataset: the short way when the data are already tensors")
    tensors = TensorDataset(dataset.features, dataset.labels)
    item_diff = max(float((a - b).abs().max()) for i in range(len(dataset)) for a, b in zip(dataset[i], tensors[i]))
    batch_diff = max(
        float((a - b).abs().max())
        for batch_a, batch_b in zip(DataLoader(dataset, ctx.params.batch_size, shuffle=True, generator=ctx.generator(1)),
                                    DataLoader(tensors, ctx.params.batch_size, shuffle=True, generator=ctx.generator(1)))
        for a, b in zip(batch_a, batch_b)
    )
    ctx.table("CsvDataset vs TensorDataset(features, labels)", ["check", "value"], [
        ("len(CsvDataset) - len(TensorDataset)", len(dataset) - len(tensors)),
        ("every item: max |diff|", item_diff),
        ("every batch of one shuffled epoch, same seed: max |diff|", batch_diff),
    ])
    return {"tensor_dataset": {"len_difference": len(dataset) - len(tensors), "item_max_abs_diff": item_diff,
                               "batch_max_abs_diff": batch_diff}}


# ---- 5. throughput ------------------------------------------------------------------------------


def show_throughput(ctx: RunContext, dataset: CsvDataset) -> dict[str, Any]:
    """Measure samples/s of each way of batching, then when worker processes pay off."""
    ctx.heading("5. Throughput: how fast does each way deliver samples?")
    size, workers, samples = ctx.params.batch_size, ctx.params.workers, ctx.params.samples
    results = throughput.measure_in_memory(dataset, size, workers, samples, ctx.device, ctx.seed, ctx.clock)
    fastest = max(r.samples_per_second for r in results)
    ctx.table(f"At least {samples:,} samples in batches of {size}, each batch moved to {ctx.device}",
              ["way of making batches", "start-up, ms", "seconds", "samples/s", "x slower"],
              [(*timing_row(r), round(fastest / r.samples_per_second, 1)) for r in results],
              caption="Measured with time.perf_counter. start-up: until the first batch (iterator, worker processes); "
                      "seconds: the samples after it. x slower: fastest samples/s divided by this row's.")
    ctx.save_figure(plots.throughput_figure(results, str(ctx.device)), "throughput.png", caption=(
        f"Samples per second that each way of making batches of {size} delivered to {ctx.device} in this run, fastest "
        "at the top, on a log scale. These are measured times: the bars change from run to run and machine to machine."))
    waiting_samples = max(samples // 20, 2 * size)
    waiting = throughput.measure_waiting(dataset, size, workers, waiting_samples, ITEM_WAIT_SECONDS, ctx.device, ctx.seed,
                                         ctx.clock)
    ctx.table(f"When workers pay off: each item first waits {ITEM_WAIT_SECONDS * 1000:g} ms, like a file read (at least {waiting_samples:,} samples)",
              ["way of making batches", "start-up, ms", "seconds", "samples/s"],
              [timing_row(r) for r in waiting],
              caption=waiting_caption(waiting))
    # Rates differ from run to run, so they go to run.json's timings; the metrics keep what the seed fixes.
    ctx.timings.update({
        "waiting_speedup_over_workers0": {r.key: r.samples_per_second / waiting[0].samples_per_second for r in waiting},
        "throughput_samples_per_second": {r.key: r.samples_per_second for r in results},
        "throughput_times_slower_than_fastest": {r.key: fastest / r.samples_per_second for r in results},
        "waiting_samples_per_second": {r.key: r.samples_per_second for r in waiting},
    })
    return {
        "throughput_samples_timed": {r.key: r.samples for r in results},
        "waiting_samples_timed": {r.key: r.samples for r in waiting},
    }


def waiting_caption(waiting: list[throughput.Throughput]) -> str:
    """Say, with this run's numbers, how many times more samples/s each worker count gave than num_workers=0."""
    base = waiting[0].samples_per_second
    parts = [f"{r.method.split(', ')[1]}: {r.samples_per_second / base:.1f}x" for r in waiting[1:]]
    return ("Samples/s relative to num_workers=0 in this run: " + "; ".join(parts) + ". Waiting processes overlap."
            if parts else "Add --workers 2 to compare with worker processes.")


def timing_row(result: throughput.Throughput) -> tuple[str, float, float, int]:
    """A result rounded for reading: method, start-up ms, seconds, samples/s."""
    return (result.method, round(1000 * result.first_batch_seconds, 1), round(result.seconds, 3),
            round(result.samples_per_second))


# ---- 6. training --------------------------------------------------------------------------------


def split(dataset: CsvDataset, ctx: RunContext) -> tuple[Subset, Subset]:
    """Hold out TEST_FRACTION of the rows (at least one) with a seeded random_split."""
    n_test = max(1, round(TEST_FRACTION * len(dataset)))
    train_rows, test_rows = random_split(dataset, [len(dataset) - n_test, n_test], generator=ctx.generator(3))
    return train_rows, test_rows


def rule_accuracy(features: torch.Tensor, labels: torch.Tensor) -> float:
    """Accuracy of the logistic rule that generated the default table; no model beats it on average over new rows."""
    weights = torch.tensor(TRUE_WEIGHTS, device=features.device)
    predicted = ((features @ weights + TRUE_BIAS) > 0).float()[:, None]  # (N, 1)
    return (predicted == labels).float().mean().item()


def show_training(ctx: RunContext, dataset: CsvDataset, generated: bool) -> dict[str, Any]:
    """Train F -> 6 -> 4 -> 1 (a logit out) with BCEWithLogitsLoss on the DataLoader's batches; held-out accuracy
    vs the baseline, and the logits read as probabilities."""
    ctx.heading("6. Training a classifier on the DataLoader's batches")
    train_rows, test_rows = split(dataset, ctx)
    test_features = dataset.features[test_rows.indices].to(ctx.device)  # (N_test, F), moved once
    test_labels = dataset.labels[test_rows.indices].to(ctx.device)  # (N_test, 1)
    with ctx.seeded():  # starting weights independent of the randomness the steps above used
        model = build_classifier(dataset.features.shape[1]).to(ctx.device)
    ctx.layer_table(model, test_features[: ctx.params.batch_size], f"Classifier {dataset.features.shape[1]} -> 6 -> 4 -> 1")
    loader = DataLoader(train_rows, batch_size=ctx.params.batch_size, shuffle=True, generator=ctx.generator(4))
    with ctx.progress(ctx.params.epochs, "training epochs") as bar:
        log = train(model, loader, (test_features, test_labels), ctx.params.epochs, ctx.params.lr, ctx.device,
                    after_epoch=lambda loss: bar.advance(loss=loss))
    show_epochs(ctx, log.train_loss, log.test_loss, log.test_accuracy)
    logits = show_logits(ctx, model, test_features, test_labels)
    metrics = {"train_rows": len(train_rows), "test_rows": len(test_rows), "batches_per_training_epoch": len(loader),
               "final_train_loss": log.train_loss[-1], "final_test_loss": log.test_loss[-1],
               "test_accuracy": log.test_accuracy[-1],
               "majority_accuracy": majority_accuracy(dataset.labels[train_rows.indices], dataset.labels[test_rows.indices])}
    metrics["beats_majority"] = int(metrics["test_accuracy"] > metrics["majority_accuracy"])
    metrics["logits"] = logits
    if generated:
        metrics["generating_rule_accuracy"] = rule_accuracy(test_features, test_labels)
    show_accuracies(ctx, metrics)
    rule_note = (f" and of the rule that made the labels ({metrics['generating_rule_accuracy']:.3f})"
                 if "generating_rule_accuracy" in metrics else "")
    ctx.save_figure(plots.training_figure(log, metrics["majority_accuracy"], metrics.get("generating_rule_accuracy")),
                    "training.png", caption=(
        "Left: the binary cross-entropy per epoch, on the training batches (their mean) and on the held-out rows "
        f"(after the epoch). Right: the held-out accuracy per epoch, ending at {metrics['test_accuracy']:.3f}, against "
        f"the accuracy of always answering the majority label ({metrics['majority_accuracy']:.3f}){rule_note}."))
    return {"training": metrics}


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def show_logits(ctx: RunContext, model: torch.nn.Module, features: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
    """The trained model's outputs on the held-out rows: logits, the probabilities a sigmoid reads from them, and
    BCEWithLogitsLoss against BCELoss on those probabilities."""
    check = logit_loss_check(model, features, labels)
    ctx.table(f"The model outputs logits: on the {features.shape[0]} held-out rows", ["quantity", "value"], [
        ("logits, smallest .. largest", f"{check['min_logit']:.4g} .. {check['max_logit']:.4g}"),
        ("torch.sigmoid(logits), smallest .. largest",
         f"{check['min_probability']:.4g} .. {check['max_probability']:.4g}"),
        ("rows where sigmoid(logit) > 0.5 and logit > 0 disagree", check["predict_1_by_probability_vs_logit_disagree"]),
        ("BCEWithLogitsLoss()(logits, labels), as trained", check["bce_with_logits"]),
        ("BCELoss()(torch.sigmoid(logits), labels)", check["bce_of_sigmoid"]),
        ("|difference|", check["abs_diff"]),
        ("pitfall, sigmoid twice: sigmoid(sigmoid(logits))",
         f"{check['min_sigmoid_twice']:.4g} .. {check['max_sigmoid_twice']:.4g}"),
        ("BCEWithLogitsLoss()(torch.sigmoid(logits), labels)", check["bce_with_logits_of_sigmoid"]),
    ], caption="BCEWithLogitsLoss applies the sigmoid inside the loss, computed stably from the logit; the sigmoid "
       "is applied only to read probabilities. The first two losses are the same number, up to float32 rounding. "
       "Fed probabilities instead of logits, BCEWithLogitsLoss squashes them a second time, into "
       f"({sigmoid(0.0):.3g}, {sigmoid(1.0):.3g}), and its loss (the last row) is another number.")
    return check


def show_accuracies(ctx: RunContext, metrics: dict[str, Any]) -> None:
    """The trained net against always answering the majority label (and, for generated data, the true rule)."""
    rows = [("the trained classifier", metrics["test_accuracy"]),
            ("always predicting the majority label", metrics["majority_accuracy"]),
            ("classifier beats the majority label (1 = yes)", metrics["beats_majority"])]
    if "generating_rule_accuracy" in metrics:
        rows.append(("the rule that generated the labels", metrics["generating_rule_accuracy"]))
    ctx.table(f"Accuracy on the {metrics['test_rows']} held-out rows", ["predictor", "accuracy"], rows)


def show_epochs(ctx: RunContext, train_loss: list[float], test_loss: list[float], test_accuracy: list[float]) -> None:
    """Per-epoch numbers; long runs show every k-th epoch and the last."""
    step = max(1, len(train_loss) // 10)
    shown = sorted({*range(0, len(train_loss), step), len(train_loss) - 1})
    ctx.table("Training by epoch", ["epoch", "training loss", "held-out loss", "held-out accuracy"],
              [(i + 1, train_loss[i], test_loss[i], test_accuracy[i]) for i in shown])
