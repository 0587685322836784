"""classification: softmax and the losses by hand against PyTorch, the clusters, training, CSV input, the CLI."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from click.testing import CliRunner

from nnlessons import LessonInputError
from nnlessons.cli import cli
from nnlessons_classification.data import (
    expected_ideal_accuracy,
    ideal_boundary_accuracy,
    load_points_csv,
    make_two_clusters,
)
from nnlessons_classification.identities import (
    Pair,
    argmax_disagreements,
    binary_pairs,
    confident_mistake_losses,
    cross_entropy_by_hand,
    cross_entropy_pairs,
    log_softmax_by_hand,
    one_hot_pair,
    softmax_naive,
    softmax_stable,
    softmax_whole_array,
)
from nnlessons.seeding import seeded
from nnlessons_classification.model import make_classifier
from nnlessons_classification.training import accuracy, evaluate, train

CPU = torch.device("cpu")


pytestmark = pytest.mark.usefixtures("one_cpu_thread")


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def random_logits(rows: int, classes: int, scale: float = 3.0, seed: int = 0) -> torch.Tensor:
    return scale * torch.randn(rows, classes, generator=generator(seed))


# ---- softmax ------------------------------------------------------------------------------------


@pytest.mark.parametrize("classes", [2, 3, 10])
def test_both_softmax_formulas_match_torch_on_ordinary_logits(classes: int) -> None:
    logits = random_logits(64, classes)
    reference = torch.softmax(logits, dim=1)
    assert (softmax_naive(logits) - reference).abs().max() < 1e-6
    assert (softmax_stable(logits) - reference).abs().max() < 1e-6
    assert (log_softmax_by_hand(logits) - torch.log_softmax(logits, dim=1)).abs().max() < 1e-5


def test_only_the_stable_softmax_survives_large_logits() -> None:
    logits = torch.tensor([[2.0, 1.0, 0.1]]) + 1000.0
    assert softmax_naive(logits).isnan().all()  # exp(1000) = inf, inf / inf = nan
    assert (softmax_stable(logits) - torch.softmax(logits, dim=1)).abs().max() < 1e-6
    very_negative = torch.tensor([[-1000.0, -1001.0]])
    assert softmax_naive(very_negative).isnan().all()  # exp underflows to 0, 0 / 0 = nan
    assert (softmax_stable(very_negative) - torch.softmax(very_negative, dim=1)).abs().max() < 1e-6
    assert math.log(torch.finfo(torch.float32).max) == pytest.approx(88.72, abs=0.01)
    assert torch.tensor(88.7).exp().isfinite() and torch.tensor(88.8).exp().isinf()


def test_whole_array_sum_breaks_rows_of_a_batch() -> None:
    batch = torch.tensor([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0]])
    rows = softmax_whole_array(batch).sum(dim=1)
    assert rows.sum() == pytest.approx(1.0)  # the whole array sums to 1 ...
    assert rows.tolist() == pytest.approx([0.3241, 0.6759], abs=1e-4)  # ... the rows do not
    one_row = batch[:1]
    assert (softmax_whole_array(one_row) - torch.softmax(one_row, dim=1)).abs().max() < 1e-6


# ---- the losses ---------------------------------------------------------------------------------


def test_cross_entropy_by_hand_matches_pytorch() -> None:
    logits, labels = random_logits(50, 5, seed=1), torch.randint(0, 5, (50,), generator=generator(2))
    assert cross_entropy_by_hand(logits, labels).item() == pytest.approx(F.cross_entropy(logits, labels).item(), abs=1e-6)
    assert cross_entropy_by_hand(logits + 500, labels).item() == pytest.approx(F.cross_entropy(logits, labels).item(), abs=1e-3)


def test_the_notes_cross_entropy_example() -> None:
    logits, labels = torch.tensor([[0.2, 0.1, -0.1]]), torch.tensor([0])
    expected = math.log(math.exp(0.2) + math.exp(0.1) + math.exp(-0.1)) - 0.2
    assert expected == pytest.approx(0.9729, abs=1e-4)
    for pair in [*cross_entropy_pairs(logits, labels), one_hot_pair(logits, labels)]:
        assert pair.first.item() == pytest.approx(expected, abs=1e-6)
        assert pair.max_abs_diff < 1e-6


def test_every_identity_holds_on_random_logits() -> None:
    logits, labels = random_logits(200, 2, seed=3), torch.randint(0, 2, (200,), generator=generator(4))
    pairs = [*cross_entropy_pairs(logits, labels), one_hot_pair(logits, labels), *binary_pairs(logits, labels)]
    assert [round(p.first.item(), 6) for p in pairs] == [round(F.cross_entropy(logits, labels).item(), 6)] * 5
    for pair in pairs:
        assert pair.max_abs_diff < 1e-5, pair.what


def test_the_comparison_can_fail() -> None:
    """A plausible mistake, BCE on sigmoid(z1) alone instead of sigmoid(z1 - z0), must not look equal."""
    logits, labels = random_logits(200, 2, seed=3), torch.randint(0, 2, (200,), generator=generator(4))
    wrong = Pair("CE = BCE(sigmoid(z1))", F.cross_entropy(logits, labels),
                 F.binary_cross_entropy(torch.sigmoid(logits[:, 1]), labels.float()))
    assert wrong.max_abs_diff > 1e-2 and not wrong.equal and wrong.row()[-1] == "False"
    broken = Pair("nan", torch.tensor([float("nan")]), torch.tensor([1.0]))
    assert math.isnan(broken.max_abs_diff) and not broken.equal  # a NaN side never passes as equal


def test_cross_entropy_needs_int_indices_or_float_probabilities() -> None:
    logits = random_logits(4, 2)
    with pytest.raises(RuntimeError, match="Long"):
        F.cross_entropy(logits, torch.tensor([0.0, 1.0, 0.0, 1.0]))  # float class indices: the pitfall on the page


def test_a_confident_mistake_breaks_bce_on_probabilities() -> None:
    losses = confident_mistake_losses(20.0, CPU)
    assert losses["BCELoss(sigmoid(d))"] == 100.0  # log(0) clamped to -100
    for key in ("BCEWithLogitsLoss(d)", "CrossEntropyLoss((0, d))", "exact: log(1 + exp(d))"):
        assert losses[key] == pytest.approx(20.0, abs=1e-5), key
    assert confident_mistake_losses(2.0, CPU)["BCELoss(sigmoid(d))"] == pytest.approx(math.log1p(math.exp(2.0)), abs=1e-5)


def test_argmax_of_logits_equals_argmax_of_softmax() -> None:
    assert argmax_disagreements(random_logits(1000, 4, seed=5)) == 0
    assert (random_logits(1000, 4, seed=5).argmax(1) != random_logits(1000, 4, seed=6).argmax(1)).sum() > 0


# ---- data and the ideal boundary ----------------------------------------------------------------


def test_two_clusters_have_the_stated_centres_and_spread() -> None:
    points, labels = make_two_clusters(20_000, 2.0, 1.0, generator(0))
    assert points.shape == (40_000, 2) and labels.dtype == torch.int64
    assert labels.tolist() == [0] * 20_000 + [1] * 20_000
    assert points[labels == 0].mean(dim=0).tolist() == pytest.approx([2.0, 2.0], abs=0.03)
    assert points[labels == 1].mean(dim=0).tolist() == pytest.approx([-2.0, -2.0], abs=0.03)
    assert points[labels == 0].std(dim=0).tolist() == pytest.approx([1.0, 1.0], abs=0.03)
    assert points[labels == 1].std(dim=0).tolist() == pytest.approx([1.0, 1.0], abs=0.03)
    first, again = make_two_clusters(5, 2.0, 1.0, generator(7)), make_two_clusters(5, 2.0, 1.0, generator(7))
    assert torch.equal(first[0], again[0])


def test_ideal_boundary_accuracy_matches_its_formula() -> None:
    assert expected_ideal_accuracy(2.0, 1.0) == pytest.approx(0.99766, abs=1e-5)
    points, labels = make_two_clusters(200_000, 2.0, 1.0, generator(1))
    assert ideal_boundary_accuracy(points, labels) == pytest.approx(expected_ideal_accuracy(2.0, 1.0), abs=5e-4)
    points, labels = make_two_clusters(200_000, 1.0, 2.0, generator(2))
    assert ideal_boundary_accuracy(points, labels) == pytest.approx(expected_ideal_accuracy(1.0, 2.0), abs=3e-3)
    corners = torch.tensor([[1.0, 1.0], [-1.0, -1.0], [1.0, -2.0]])
    assert ideal_boundary_accuracy(corners, torch.tensor([0, 1, 1])) == 1.0


# ---- training -----------------------------------------------------------------------------------


def test_training_matches_a_plain_loop_and_learns() -> None:
    x, y = make_two_clusters(100, 2.0, 1.0, generator(0))
    with seeded(2):
        model = make_classifier(10)
    with seeded(2):
        oracle = make_classifier(10)
    history = train(model, x, y, lr=0.02, steps=100)
    optimizer = torch.optim.SGD(oracle.parameters(), lr=0.02)
    oracle_losses = []
    for _ in range(100):
        loss = F.cross_entropy(oracle(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        oracle_losses.append(loss.item())
    assert history.loss == pytest.approx(oracle_losses, abs=1e-7)
    for mine, theirs in zip(model.parameters(), oracle.parameters(), strict=True):
        assert torch.equal(mine, theirs)
    loss, acc, logits = evaluate(model, x, y)
    assert logits.shape == (200, 2)
    assert loss < history.loss[0] / 3 and acc >= 0.97
    assert history.accuracy[-1] >= 0.97 and history.accuracy[0] < 0.9


def test_accuracy_counts_the_largest_logit() -> None:
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0], [1.0, 0.5], [0.2, 0.1]])
    assert accuracy(logits, torch.tensor([0, 1, 1, 1])) == 0.5


# ---- CSV input ----------------------------------------------------------------------------------


def write_csv(folder: Path, text: str, name: str = "points.csv") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_load_points_csv_reads_a_good_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "label,x2,x1,extra\n0,1.5,2,a\n1.0,-1,-2.5,b\n")
    points, labels = load_points_csv(path)
    assert points.tolist() == [[2.0, 1.5], [-2.5, -1.0]] and points.dtype == torch.float32
    assert labels.tolist() == [0, 1] and labels.dtype == torch.int64


BAD_CSVS = [
    ("x,y,label\n1,2,0\n", "lacks the column(s) x1, x2"),
    ("x1,x2,label\n", "has a header but no data rows"),
    ("x1,x2,label\n1,2,0\n1,abc,1\n", "Line 3, column 'x2' of"),
    ("x1,x2,label\n1,2,0\n1,,1\n", "is empty; every row needs a number there"),
    ("x1,x2,label\n1,2,0\n1,3,2\n", "labels must be 0 or 1"),
    ("x1,x2,label\n1,2,1\n3,4,1\n", "needs points of both classes"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CSVS)
def test_bad_csv_raises_lesson_input_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(LessonInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_points_csv(write_csv(tmp_path, text))


@pytest.mark.parametrize(("text", "message"), [BAD_CSVS[0], BAD_CSVS[4], (None, "does not exist")])
def test_bad_csv_exits_with_code_2(tmp_path: Path, text: str | None, message: str) -> None:
    path = write_csv(tmp_path, text) if text is not None else tmp_path / "missing.csv"
    result = CliRunner().invoke(cli, ["run", "classification", "--device", "cpu", "--quick", "--out", str(tmp_path / "run"),
                                      "--csv", str(path)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_run_on_a_csv(run_lesson, tmp_path: Path) -> None:
    x, y = make_two_clusters(30, 3.0, 0.5, generator(3))
    lines = ["x1,x2,label", *(f"{a:.4f},{b:.4f},{int(c)}" for (a, b), c in zip(x.tolist(), y.tolist(), strict=True))]
    path = write_csv(tmp_path, "\n".join(lines) + "\n")
    metrics = run_lesson("classification", "--csv", str(path))["metrics"]
    assert metrics["accuracy"] >= 0.95
    assert "test_accuracy" not in metrics  # a CSV has no held-out points
    assert metrics["ce_vs_logsoftmax_nll_max_abs_diff"] < 1e-6


# ---- whole runs ---------------------------------------------------------------------------------


def test_quick_run_shows_everything(run_lesson) -> None:
    torch.set_num_threads(3)  # the lesson runs on one thread and must put this back
    record = run_lesson("classification")
    metrics = record["metrics"]
    assert record["params"]["grid"] == 60
    assert metrics["accuracy"] >= 0.95 and metrics["test_accuracy"] >= 0.95
    assert metrics["ce_vs_logsoftmax_nll_max_abs_diff"] < 1e-6
    for key in ("ce_vs_hand_max_abs_diff", "ce_index_vs_one_hot_max_abs_diff", "ce_vs_bce_max_abs_diff",
                "ce_vs_bce_with_logits_max_abs_diff", "softmax_hand_vs_torch_max_abs_diff", "stable_shifted_max_abs_diff"):
        assert metrics[key] < 1e-5, key
    assert metrics["naive_shifted_nan_count"] == 3 and "naive_shifted_max_abs_diff" not in metrics
    assert metrics["naive_small_nan_count"] == 0 and metrics["naive_small_max_abs_diff"] < 1e-6
    assert metrics["argmax_logits_vs_softmax_disagreements"] == 0
    assert metrics["confident_mistake_bce"] == 100.0 and metrics["confident_mistake_bce_with_logits"] == pytest.approx(20.0)
    pngs = {Path(p).name for p in record["artifacts"] if p.endswith(".png")}
    assert pngs == {"decision_boundary.png", "training_curves.png"}
    for name in pngs:
        assert (record.out_dir / name).stat().st_size > 10_000
    assert "NaN" not in (record.out_dir / "run.json").read_text()  # strict JSON
    assert torch.get_num_threads() == 3


def test_default_run_matches_the_lesson_page(run_lesson) -> None:
    """The numbers the lesson page quotes for seed 0."""
    first = run_lesson("classification", quick=False)["metrics"]
    assert first["accuracy"] == pytest.approx(0.99) and first["test_accuracy"] == 1.0
    assert first["ideal_expected_accuracy"] == pytest.approx(0.9977, abs=1e-4)
    assert first["notes_example_ce"] == pytest.approx(0.9729, abs=1e-4)
    assert 1e-7 < first["shift_invariance_max_abs_diff"] < 1e-5  # float32 rounding of 1000.1, nothing more
    spacing = (torch.nextafter(torch.tensor(1000.0), torch.tensor(2000.0)) - 1000.0).item()
    assert spacing == 2**-14 == pytest.approx(6.1e-5, abs=1e-6)  # "float32 numbers near 1000 are 6e-5 apart"
    assert first["whole_array_softmax_row_sum_error"] == pytest.approx(0.676, abs=1e-3)
    assert first["ce_vs_logsoftmax_nll_max_abs_diff"] == 0.0
    again = run_lesson("classification", quick=False)["metrics"]
    assert again == first  # same seed, same numbers
    other = run_lesson("classification", "--seed", "1")["metrics"]
    assert other["final_loss"] != first["final_loss"]


def test_plugin_module_does_not_import_torch() -> None:
    code = "import sys, nnlessons_classification as m; m.nnlessons_lesson_info(); print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---- the exercises: a learner's file may import their own earlier file of this lesson -------------

LEARNERS_CROSS_ENTROPY = '''import torch

from log_softmax import log_softmax  # the learner's own, from the log-softmax exercise, beside this file


def cross_entropy(logits, labels):
    log_probs = log_softmax(logits, dim=1)
    return -log_probs[torch.arange(len(labels)), labels].mean()
'''

NAIVE_LOG_SOFTMAX = '''import torch


def log_softmax(logits, dim=-1):
    return logits - logits.exp().sum(dim=dim, keepdim=True).log()
'''


def _exercise(exercise_id: str):
    from nnlessons_classification.exercises import EXERCISES

    return next(exercise for exercise in EXERCISES if exercise.id == exercise_id)


@pytest.mark.parametrize(("sibling", "status", "words"), [
    ("reference", "passed", "cases matched F.cross_entropy"),
    ("naive", "failed", "your log-softmax is z - log(sum(exp(z))) without the max shift"),
], ids=["right-log-softmax", "naive-log-softmax"])
def test_cross_entropy_may_import_the_learners_own_log_softmax(learner_host, tmp_path: Path, sibling: str,
                                                                status: str, words: str) -> None:
    """The starter says so: `from log_softmax import log_softmax` imports the learner's file from the same folder,
    and the check then runs (and judges) that file too."""
    from nnlessons.practice.checker import run_check

    folder = tmp_path / "classification"
    folder.mkdir()
    reference = _exercise("log-softmax").solution_text()
    (folder / "log_softmax.py").write_text(reference if sibling == "reference" else NAIVE_LOG_SOFTMAX)
    (folder / "cross_entropy.py").write_text(LEARNERS_CROSS_ENTROPY)
    result = run_check("classification/cross-entropy", _exercise("cross-entropy"), folder / "cross_entropy.py",
                       host=learner_host).as_dict()
    assert result["status"] == status, result
    said = " ".join(str(result.get(key) or "") for key in ("message", "mistake", "summary"))
    assert words in said, result
    assert "from log_softmax import log_softmax" in _exercise("cross-entropy").starter_text()
