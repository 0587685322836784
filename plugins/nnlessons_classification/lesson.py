"""Run the classification lesson: data, softmax by hand, cross-entropy, training, identities, plots."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
import math
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from nnlessons.run_context import RunContext
from nnlessons_classification.data import expected_ideal_accuracy, ideal_boundary_accuracy, load_points_csv, make_two_clusters
from nnlessons_classification.identities import (
    Pair,
    argmax_disagreements,
    binary_pairs,
    confident_mistake_losses,
    cross_entropy_pairs,
    one_hot_pair,
    softmax_naive,
    softmax_pairs,
    softmax_stable,
    softmax_whole_array,
)
from nnlessons_classification.model import make_classifier
from nnlessons_classification.plots import plot_decision_boundary, plot_training
from nnlessons_classification.training import TrainingHistory, evaluate, train

EQUAL_TOLERANCE = 1e-5  # float32 rounding; a real difference is orders of magnitude larger
SMALL_LOGITS = (2.0, 1.0, 0.1)  # a three-class example for softmax
BATCH_LOGITS = ((2.0, 1.0, 0.1), (0.5, 0.5, 3.0))  # two rows, for the sum-over-what question
CONFIDENT_LOGIT = 20.0  # sigmoid(20) rounds to exactly 1.0 in float32
NOTES_LOGITS, NOTES_LABEL = (0.2, 0.1, -0.1), 0  # the cross-entropy example of the notes
TEST_SEED_OFFSET = 1
NET_SEED_OFFSET = 2


def load_data(ctx: RunContext) -> tuple[Tensor, Tensor, tuple[Tensor, Tensor] | None, str]:
    """Training points and labels on ctx.device, a fresh test set for the clusters (None for a CSV), a description."""
    p = ctx.params
    if p.csv:
        x, y = load_points_csv(Path(p.csv))
        return x.to(ctx.device), y.to(ctx.device), None, f"points from {p.csv}"
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


def probabilities_row(name: str, probabilities: Tensor, reference: Tensor) -> tuple[Any, ...]:
    """One table row: method, each probability, and max |difference| to torch.softmax."""
    values = probabilities.squeeze(0).tolist()
    return (name, *values, (probabilities - reference).abs().max().item())


def show_softmax(ctx: RunContext) -> dict[str, float]:
    """Softmax three ways on small logits, then on the same logits shifted up, where exp overflows."""
    ctx.heading("2. Softmax by hand: exp / sum, and the max-subtracted form")
    results: dict[str, float] = {}
    for title, logits in (
        ("small logits", torch.tensor([SMALL_LOGITS], device=ctx.device)),  # (1, 3)
        (f"the same logits + {ctx.params.shift:g}", torch.tensor([SMALL_LOGITS], device=ctx.device) + ctx.params.shift),
    ):
        reference = torch.softmax(logits, dim=1)  # (1, 3)
        naive, stable = softmax_naive(logits), softmax_stable(logits)
        ctx.table(
            f"softmax of {[round(v, 4) for v in logits.squeeze(0).tolist()]} ({title})",
            ["method", "p0", "p1", "p2", "max |diff| to torch"],
            [probabilities_row("exp(z) / sum exp(z)", naive, reference),
             probabilities_row("exp(z - max) / sum exp(z - max)", stable, reference),
             probabilities_row("torch.softmax", reference, reference)],
        )
        key = "small" if not results else "shifted"
        results[f"naive_{key}_nan_count"] = int(naive.isnan().sum().item())
        if not naive.isnan().any():  # NaN is not valid JSON: the count above says it all
            results[f"naive_{key}_max_abs_diff"] = (naive - reference).abs().max().item()
        results[f"stable_{key}_max_abs_diff"] = (stable - reference).abs().max().item()
    shift_invariance = (softmax_stable(torch.tensor([SMALL_LOGITS], device=ctx.device) + ctx.params.shift)
                        - torch.softmax(torch.tensor([SMALL_LOGITS], device=ctx.device), dim=1)).abs().max().item()
    results["shift_invariance_max_abs_diff"] = shift_invariance
    overflow_at = math.log(torch.finfo(torch.float32).max)
    ctx.console.print(
        f"float32 exp(z) overflows to inf once z > {overflow_at:.2f}; inf / inf = nan. "
        f"softmax(z + c) = softmax(z): max |diff| between the shifted and unshifted probabilities {shift_invariance:.3g}."
    )
    results["float32_exp_overflow_above"] = overflow_at
    return results


def show_softmax_rows(ctx: RunContext) -> float:
    """On a batch, softmax must sum over each row, not over the whole array; return the worst row-sum error."""
    logits = torch.tensor(BATCH_LOGITS, device=ctx.device)  # (2, 3): 2 samples, 3 classes
    rows = []
    for name, probabilities in (("exp(z) / exp(z).sum()  (the notes)", softmax_whole_array(logits)),
                                ("per row: exp(z - max) / row sum", softmax_stable(logits)),
                                ("torch.softmax(z, dim=1)", torch.softmax(logits, dim=1))):
        rows.append((name, *probabilities.sum(dim=1).tolist()))  # (2,) row sums
    ctx.table("Row sums of softmax on a batch of 2 rows", ["method", "sum of row 1", "sum of row 2"], rows,
              caption="A sum over the whole array mixes the samples: each row must sum to 1 on its own.")
    return (softmax_whole_array(logits).sum(dim=1) - 1).abs().max().item()


def pair_rows(pairs: list[Pair]) -> list[tuple[Any, ...]]:
    """Table rows for scalar pairs: the identity, both values, their difference and the verdict."""
    return [(p.what, p.first.item(), p.second.item(), p.max_abs_diff, str(p.max_abs_diff <= EQUAL_TOLERANCE)) for p in pairs]


PAIR_COLUMNS = ["identity: left = right", "left", "right", "max |diff|", "equal?"]


def show_notes_example(ctx: RunContext) -> dict[str, float]:
    """The notes' cross-entropy example, z = [0.2, 0.1, -0.1] with true class 0, four ways."""
    ctx.heading("3. Cross-entropy on one example (the notes' numbers)")
    logits = torch.tensor([NOTES_LOGITS], device=ctx.device)  # (1, 3)
    labels = torch.tensor([NOTES_LABEL], device=ctx.device)  # (1,) int64
    pairs = [*cross_entropy_pairs(logits, labels), one_hot_pair(logits, labels)]
    ctx.table(f"logits {list(NOTES_LOGITS)}, true class {NOTES_LABEL}", PAIR_COLUMNS, pair_rows(pairs),
              caption="loss = -log softmax(z)_y = log(sum exp z) - z_y; one-hot float targets give the same loss.")
    return {
        "notes_example_ce": pairs[0].first.item(),
        "notes_example_ce_vs_logsoftmax_nll_max_abs_diff": pairs[0].max_abs_diff,
        "notes_example_ce_vs_hand_max_abs_diff": pairs[1].max_abs_diff,
        "notes_example_index_vs_one_hot_max_abs_diff": pairs[2].max_abs_diff,
    }


def run_training(ctx: RunContext, model: nn.Module, x: Tensor, y: Tensor) -> TrainingHistory:
    ctx.heading("4. Training: 2 -> hidden -> 2, CrossEntropyLoss, SGD")
    ctx.layer_table(model, x[:4], "The classifier (a batch of 4 points)")  # x[:4] is (4, 2)
    with ctx.progress(ctx.params.steps, "steps") as bar:
        return train(model, x, y, ctx.params.lr, ctx.params.steps, on_step=lambda loss: bar.advance(loss=float(loss)))


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
        [(p.what, p.max_abs_diff, str(p.max_abs_diff <= EQUAL_TOLERANCE)) for p in softmax_checks],
    )
    loss_pairs = [*cross_entropy_pairs(logits, y), one_hot_pair(logits, y), *binary_pairs(logits, y)]
    ctx.table("Losses computed two ways", PAIR_COLUMNS, pair_rows(loss_pairs),
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
    ctx.save_figure(plot_decision_boundary(model, x, y, ctx.params.grid, title), "decision_boundary.png")
    ctx.save_figure(plot_training(history.loss, history.accuracy, scores.get("test_accuracy")), "training_curves.png")
    ctx.console.print("decision_boundary.png: colour = predicted class, marker = true class; training_curves.png: loss and accuracy.")


@contextlib.contextmanager
def one_cpu_thread() -> Iterator[None]:
    """Run CPU ops on one thread, then restore the setting.

    These nets are tiny: a second thread has nothing to share, and when the cores are
    busy, waiting for it made each step tens of times slower on the course machine.
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def run(ctx: RunContext) -> dict[str, Any]:
    with one_cpu_thread():
        return run_steps(ctx)


def run_steps(ctx: RunContext) -> dict[str, Any]:
    x, y, test, description = load_data(ctx)
    show_data(ctx, x, y, description)
    softmax_metrics = show_softmax(ctx)
    softmax_metrics["whole_array_softmax_row_sum_error"] = show_softmax_rows(ctx)
    notes_metrics = show_notes_example(ctx)
    model = make_classifier(ctx.params.hidden, ctx.generator(NET_SEED_OFFSET)).to(ctx.device)
    history = run_training(ctx, model, x, y)
    scores = show_scores(ctx, model, x, y, test)
    _, _, logits = evaluate(model, x, y)  # (N, 2)
    identity_metrics = show_identities(ctx, logits, y)
    save_plots(ctx, model, x, y, history, scores)
    return {**scores, **identity_metrics, **softmax_metrics, **notes_metrics}
