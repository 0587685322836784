"""Run the classification lesson: data, softmax by hand, cross-entropy, training, identities, plots."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor, nn

from nnlessons import LessonInputError
from nnlessons.csv_input import given_path
from nnlessons.run_context import RunContext
from nnlessons_classification.data import expected_ideal_accuracy, ideal_boundary_accuracy, load_points_csv, make_two_clusters
from nnlessons_classification.identities import (
    PAIR_COLUMNS,
    argmax_disagreements,
    binary_pairs,
    confident_mistake_losses,
    cross_entropy_pairs,
    one_hot_pair,
    softmax_pairs,
)
from nnlessons_classification.model import make_classifier
from nnlessons_classification.plots import plot_decision_boundary, plot_training
from nnlessons_classification.training import TrainingHistory, evaluate, train
from nnlessons_classification.worked_examples import show_notes_example, show_softmax, show_softmax_rows

CONFIDENT_LOGIT = 20.0  # sigmoid(20) rounds to exactly 1.0 in float32
TEST_SEED_OFFSET = 1
NET_SEED_OFFSET = 2


def load_data(ctx: RunContext) -> tuple[Tensor, Tensor, tuple[Tensor, Tensor] | None, str]:
    """Training points and labels on ctx.device, a fresh test set for the clusters (None for a CSV), a description."""
    p = ctx.params
    path = given_path(p.csv)
    if path is not None:
        x, y = load_points_csv(path)
        return x.to(ctx.device), y.to(ctx.device), None, f"points from {path}"
    x, y = make_two_clusters(p.points_per_class, p.centre, p.std, ctx.generator(0))
    x_test, y_test = make_two_clusters(p.points_per_class, p.centre, p.std, ctx.generator(TEST_SEED_OFFSET))
    minus_centre = -p.centre or 0.0  # print 0, not -0
    description = f"two clusters around ({p.centre:g}, {p.centre:g}) and ({minus_centre:g}, {minus_centre:g}), std {p.std:g}"
    return x.to(ctx.device), y.to(ctx.device), (x_test.to(ctx.device), y_test.to(ctx.device)), description


def show_data(ctx: RunContext, x: Tensor, y: Tensor, description: str) -> None:
    ctx.heading("1. The data")
    rows = []
    for label in (0, 1):
        members = x[y == label]  # (n_label, 2)
        rows.append((label, len(members), members[:, 0].mean().item(), members[:, 1].mean().item(),
                     members.std(dim=0, correction=0).mean().item()))
    ctx.table(f"Training points: {description}", ["class", "points", "mean x1", "mean x2", "spread: std of x1, x2 (avg)"], rows,
              caption="Labels are class indices 0 and 1 (int64), the target CrossEntropyLoss expects.")


def run_training(ctx: RunContext, model: nn.Module, x: Tensor, y: Tensor) -> TrainingHistory:
    ctx.heading("4. Training: 2 -> hidden -> 2, CrossEntropyLoss, SGD")
    ctx.layer_table(model, x[:4], "The classifier (a batch of 4 points)")  # x[:4] is (4, 2)
    with ctx.progress(ctx.params.steps, "steps") as bar:
        history = train(model, x, y, ctx.params.lr, ctx.params.steps, on_step=lambda loss: bar.advance(loss=float(loss)))
    check_converged(model, x, y, ctx.params.lr)
    return history


def check_converged(model: nn.Module, x: Tensor, y: Tensor, lr: float) -> None:
    """A loss of nan or inf means the steps threw the weights away: say so instead of comparing nan with nan."""
    loss = evaluate(model, x, y)[0]
    if not math.isfinite(loss):
        raise LessonInputError(f"Training diverged with --lr {lr:g} (the loss became {loss}) on points up to "
                               f"{x.abs().max().item():.3g} from 0; use a smaller --lr, or points nearer 0 "
                               "(a smaller --std or --centre, or scaled-down --csv columns).")


def show_scores(ctx: RunContext, model: nn.Module, x: Tensor, y: Tensor, test: tuple[Tensor, Tensor] | None) -> dict[str, float]:
    """Loss and accuracy of the trained net; for the clusters also on fresh points and for the ideal rule."""
    loss, train_accuracy, _ = evaluate(model, x, y)
    scores = {"final_loss": loss, "accuracy": train_accuracy}
    if test is None:
        ctx.table("After training", ["data", "points", "cross-entropy", "accuracy"], [("training points", len(y), loss, train_accuracy)],
                  caption="A CSV gives no held-out points: this accuracy is measured on the points the net trained on.")
        return scores
    test_loss, test_accuracy, _ = evaluate(model, *test)
    ideal_train, ideal_test = ideal_boundary_accuracy(x, y), ideal_boundary_accuracy(*test)
    expected = expected_ideal_accuracy(ctx.params.centre, ctx.params.std)
    ctx.table(
        "After training",
        ["data", "points", "cross-entropy", "accuracy", "ideal rule x1 + x2 = 0"],
        [("training points", len(y), loss, train_accuracy, ideal_train),
         ("fresh test points", len(test[1]), test_loss, test_accuracy, ideal_test)],
        caption=f"Test points: same clusters, another seed. The ideal rule is the best any classifier can do on average; "
                f"its expected accuracy is 1 - erfc(c / std) / 2 = {expected:.4f}.",
    )
    return scores | {"test_loss": test_loss, "test_accuracy": test_accuracy, "ideal_train_accuracy": ideal_train,
                     "ideal_test_accuracy": ideal_test, "ideal_expected_accuracy": expected}


def show_identities(ctx: RunContext, logits: Tensor, y: Tensor) -> dict[str, float]:
    """The equalities of the lesson, on every logit the trained net produces for the training points."""
    ctx.heading("5. The identities, on the trained net's logits")
    softmax_checks = softmax_pairs(logits)
    ctx.table(
        f"softmax of all {len(y)} rows of logits",
        ["identity", "max |diff|", "equal?"],
        [(p.what, p.max_abs_diff, str(p.equal)) for p in softmax_checks],
    )
    loss_pairs = [*cross_entropy_pairs(logits, y), one_hot_pair(logits, y), *binary_pairs(logits, y)]
    ctx.table("Losses computed two ways", PAIR_COLUMNS, [p.row() for p in loss_pairs],
              caption="Binary: softmax((z0, z1))_1 = sigmoid(z1 - z0), so one logit with BCE is the same model as two with CE.")
    mistake = confident_mistake_losses(CONFIDENT_LOGIT, logits.device)
    ctx.table(f"One confident mistake: a single logit d = {CONFIDENT_LOGIT:g}, label 0", ["computed as", "loss"],
              list(mistake.items()), caption="sigmoid(20) rounds to 1.0 in float32, so BCELoss sees log(0) and clamps it to -100.")
    disagreements = argmax_disagreements(logits)
    ctx.console.print(f"Rows where argmax(logits) and argmax(softmax(logits)) pick different classes: {disagreements}.")
    return {
        "softmax_hand_vs_torch_max_abs_diff": softmax_checks[1].max_abs_diff,
        "ce_vs_logsoftmax_nll_max_abs_diff": loss_pairs[0].max_abs_diff,
        "ce_vs_hand_max_abs_diff": loss_pairs[1].max_abs_diff,
        "ce_index_vs_one_hot_max_abs_diff": loss_pairs[2].max_abs_diff,
        "ce_vs_bce_max_abs_diff": loss_pairs[3].max_abs_diff,
        "ce_vs_bce_with_logits_max_abs_diff": loss_pairs[4].max_abs_diff,
        "argmax_logits_vs_softmax_disagreements": disagreements,
        "confident_mistake_bce": mistake["BCELoss(sigmoid(d))"],
        "confident_mistake_bce_with_logits": mistake["BCEWithLogitsLoss(d)"],
        "confident_mistake_exact": mistake["exact: log(1 + exp(d))"],
    }


def save_plots(ctx: RunContext, model: nn.Module, x: Tensor, y: Tensor, history: TrainingHistory, scores: dict[str, float]) -> None:
    ctx.heading("6. Plots")
    title = f"Prediction on the training points (accuracy {scores['accuracy']:.3f})"
    ctx.save_figure(plot_decision_boundary(model, x, y, ctx.params.grid, title), "decision_boundary.png", caption=(
        "The plane shaded by the trained net's P(class 1), with the decision boundary P = 0.5 as a black line. "
        "A point's colour is the class the net predicts and its marker the true class; red rings mark the "
        f"misclassified points (accuracy {scores['accuracy']:.3f})."))
    test_note = (f", with the final test accuracy ({scores['test_accuracy']:.3f}) dashed" if "test_accuracy" in scores else "")
    ctx.save_figure(plot_training(history.loss, history.accuracy, scores.get("test_accuracy")), "training_curves.png",
                    caption=("The cross-entropy loss on the training points (left) and the training accuracy (right) at "
                             f"each of the {len(history.loss)} SGD steps, measured before the update{test_note}."))
    ctx.console.print("decision_boundary.png: colour = predicted class, marker = true class; training_curves.png: loss and accuracy.")


def run(ctx: RunContext) -> dict[str, Any]:
    x, y, test, description = load_data(ctx)
    show_data(ctx, x, y, description)
    softmax_metrics = show_softmax(ctx)
    softmax_metrics["whole_array_softmax_row_sum_error"] = show_softmax_rows(ctx)
    notes_metrics = show_notes_example(ctx)
    with ctx.seeded(NET_SEED_OFFSET):
        model = make_classifier(ctx.params.hidden).to(ctx.device)
    history = run_training(ctx, model, x, y)
    scores = show_scores(ctx, model, x, y, test)
    _, _, logits = evaluate(model, x, y)  # (N, 2)
    identity_metrics = show_identities(ctx, logits, y)
    save_plots(ctx, model, x, y, history, scores)
    return {**scores, **identity_metrics, **softmax_metrics, **notes_metrics}
