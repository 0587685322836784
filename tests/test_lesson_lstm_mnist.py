"""lstm-mnist: the lesson's claims, its functions against PyTorch, and full runs on tiny IDX files."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from mnist_fixtures import tiny_mnist, write_tiny_mnist  # noqa: F401  (tiny_mnist is a fixture)
from rich.console import Console

from nnlessons.cli import cli
from nnlessons.drawn_digit import draw_digits
from nnlessons.mnist import MNIST_MEAN, MNIST_STD, load_mnist
from nnlessons.run_context import Params, RunContext
from nnlessons_lstm_mnist.data import fitted_sizes, prepare
from nnlessons_lstm_mnist.lesson import confusion_matrix, grid_indices, most_confused_pairs, show_confused_pairs
from nnlessons_lstm_mnist.model import RowLSTM, build_model, expected_parameter_count, lstm_by_hand, without_batch_first
from nnlessons_lstm_mnist.recipes import DEFAULT_RECIPE, NOTES_RECIPE, Recipe
from nnlessons_lstm_mnist.step_size import first_step_sizes
from nnlessons_lstm_mnist.train import cpu_threads, fit, losses_over_steps, predict, seconds_to_reach
from nnlessons_lstm_mnist.without_data import ROW_READING_FIGURE, drawn_batch, model_before_data, state_change_per_step

REPO = Path(__file__).resolve().parents[1]
PNGS = {"lstm_reads_rows.png", "loss_curve.png", "confusion_matrix.png", "test_digits.png", "lstm_output.png"}


@pytest.fixture(autouse=True)
def one_cpu_thread():
    """Like the lesson's default: tiny LSTM steps gain nothing from threads, and a busy CPU makes them wait."""
    with cpu_threads(1):
        yield


def test_cpu_threads_sets_and_restores() -> None:
    before = torch.get_num_threads()
    with cpu_threads(2) as inside:
        assert inside == torch.get_num_threads() == 2
    assert torch.get_num_threads() == before
    with cpu_threads(0) as unchanged:
        assert unchanged == before


def tiny_data(root: Path, normalize: bool = True):
    train = load_mnist(root, train=True, download=False)
    test = load_mnist(root, train=False, download=False)
    return prepare(train, test, 1000, 1000, normalize, torch.device("cpu"), torch.Generator().manual_seed(1))


def test_validation_digits_come_first_in_one_permutation_and_never_overlap_training(tiny_mnist: Path) -> None:
    train = load_mnist(tiny_mnist, train=True, download=False)
    test = load_mnist(tiny_mnist, train=False, download=False)
    small = prepare(train, test, 20, 10, False, torch.device("cpu"), torch.Generator().manual_seed(1), limit_val=15)
    large = prepare(train, test, 45, 10, False, torch.device("cpu"), torch.Generator().manual_seed(1), limit_val=15)
    assert torch.equal(small.val_images, large.val_images)  # the same validation digits whatever --limit-train
    assert small.train_val_overlap == large.train_val_overlap == 0
    rows = {tuple(image.flatten().tolist()) for image in large.train_images}
    assert not any(tuple(image.flatten().tolist()) in rows for image in large.val_images)  # no image in both
    assert (len(large.train_labels), len(large.val_labels), len(large.test_labels)) == (45, 15, 10)
    assert fitted_sizes(10_000, 2_000, 60_000) == (10_000, 2_000) and fitted_sizes(300, 100, 60) == (45, 15)


def test_more_training_and_validation_digits_than_the_file_holds_share_it_as_asked() -> None:
    assert fitted_sizes(60_000, 2_000, 60_000) == (58_065, 1_935)  # --limit-train at its maximum: still a validation
    assert sum(fitted_sizes(59_000, 30_000, 60_000)) == 60_000


def test_the_page_says_what_each_split_is_for() -> None:
    import nnlessons_lstm_mnist

    page = " ".join(nnlessons_lstm_mnist.__doc__.split())
    assert "## Three splits: what each one is for" in nnlessons_lstm_mnist.__doc__
    assert "**validation** (`--limit-val`, 2,000): measured after every epoch" in page
    assert "are measured once, after training, in step 5: nothing is chosen or compared on them" in page
    assert "a table per epoch (train loss, test accuracy" not in page


# ---- the model against PyTorch ----------------------------------------------------------------


def test_lstm_equations_by_hand_match_nn_lstm() -> None:
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(28, 100, batch_first=True)
    images = torch.randn(5, 28, 28)
    outputs, (h_n, c_n) = lstm(images)
    mine, my_h, my_c = lstm_by_hand(images, lstm)
    assert mine.shape == (5, 28, 100) and my_h.shape == my_c.shape == (1, 5, 100)
    assert (mine - outputs).abs().max().item() < 1e-5
    assert (my_h - h_n).abs().max().item() < 1e-5 and (my_c - c_n).abs().max().item() < 1e-5
    with torch.no_grad():
        lstm.bias_hh_l0[100:200] += 5.0  # force the forget gate open: the by-hand version must follow
    assert (lstm_by_hand(images, lstm)[2] - lstm(images)[1][1]).abs().max().item() < 1e-4
    assert (lstm_by_hand(images, lstm)[2] - c_n).abs().max().item() > 1e-2


def test_without_batch_first_is_the_same_lstm_reading_another_layout() -> None:
    model = build_model(torch.device("cpu"), 0)
    images = torch.randn(4, 28, 28)
    time_first = without_batch_first(model.lstm)
    with torch.no_grad():
        right = model.lstm(images)[0]  # (4, 28, 100)
        transposed = time_first(images.transpose(0, 1))[0].transpose(0, 1)  # fed (28, 4, 28): the right layout
        wrong = time_first(images)[0]  # fed (4, 28, 28): read as 4 steps of 28 sequences
    assert (transposed - right).abs().max().item() < 1e-6
    assert wrong.shape == right.shape and (wrong - right).abs().max().item() > 0.01


def test_model_shapes_and_parameter_formula() -> None:
    model = build_model(torch.device("cpu"), seed=0)
    assert model(torch.zeros(3, 28, 28)).shape == (3, 10)
    assert sum(p.numel() for p in model.parameters()) == expected_parameter_count() == 53_010
    assert dict((n, tuple(p.shape)) for n, p in model.named_parameters())["lstm.weight_ih_l0"] == (400, 28)
    assert sum(p.numel() for p in RowLSTM(hidden_size=7).parameters()) == expected_parameter_count(hidden=7)


def test_build_model_is_seeded_and_leaves_global_rng_alone() -> None:
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a, b, c = build_model(torch.device("cpu"), 5), build_model(torch.device("cpu"), 5), build_model(torch.device("cpu"), 6)
    assert torch.equal(torch.rand(1), before)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a.fc.weight, c.fc.weight)


# ---- step 1, before any data: the model on drawn digits ---------------------------------------


def test_drawn_batch_is_the_four_drawn_digits_scaled_like_the_data() -> None:
    raw = drawn_batch(torch.device("cpu"), normalize=False)
    assert raw.shape == (4, 28, 28) and torch.equal(raw, draw_digits())
    standardised = drawn_batch(torch.device("cpu"), normalize=True)
    torch.testing.assert_close(standardised, (draw_digits() - MNIST_MEAN) / MNIST_STD)
    assert standardised.min().item() == pytest.approx(-MNIST_MEAN / MNIST_STD)  # the background, as in MNIST


def test_state_change_is_the_distance_between_consecutive_states() -> None:
    outputs = torch.randn(3, 28, 100)
    changes = state_change_per_step(outputs)
    assert changes.shape == (3, 28)
    assert changes[:, 0].tolist() == pytest.approx(outputs[:, 0].norm(dim=1).tolist())  # from h_(-1) = 0
    for t in (1, 13, 27):
        assert changes[:, t].tolist() == pytest.approx((outputs[:, t] - outputs[:, t - 1]).norm(dim=1).tolist())


def test_repeating_one_row_lets_the_state_settle_and_a_new_row_moves_it() -> None:
    model = build_model(torch.device("cpu"), 0)
    images = torch.zeros(1, 28, 28)
    images[0, 4:24, 12:15] = 1.0  # a stem: the same row 20 times
    images[0, 24, 8:20] = 1.0  # then a foot: a new row
    with torch.no_grad():
        changes = state_change_per_step(model.lstm(images)[0])[0]  # (28,)
    assert changes[23] < 0.1 * changes[5]  # the 20th identical row hardly moves the state
    assert changes[24] > 10 * changes[23]  # the foot does


def step_one_context(tmp_path: Path) -> tuple[RunContext, io.StringIO]:
    text = io.StringIO()
    ctx = RunContext(lesson_id="lstm-mnist", device=torch.device("cpu"), seed=0, out_dir=tmp_path, params=Params({}),
                     console=Console(file=text, width=120))
    return ctx, text


def test_step_one_numbers_on_drawn_digits(tmp_path: Path) -> None:
    ctx, text = step_one_context(tmp_path)
    metrics = model_before_data(ctx, build_model(ctx.device, 0), normalize=True)
    assert metrics["parameter_count"] == metrics["parameter_count_formula"] == 4 * (100 * 28 + 100 * 100 + 2 * 100) + 100 * 10 + 10
    assert metrics["parameter_count"] == 53_010
    assert metrics["last_step_vs_h_n_max_abs_diff"] == 0.0
    assert metrics["by_hand_vs_nn_lstm_max_abs_diff"] < 1e-6  # the page says about 1e-7
    assert metrics["no_batch_first_same_shape"] == 1 and metrics["no_batch_first_max_abs_diff"] > 0.01
    # the page: along the stem of the 1 the state settles (0.004 with seed 0), and the foot moves it again
    assert metrics["drawn_one_smallest_move_on_ink"] < 0.01 < 0.5 < metrics["drawn_one_biggest_move"]
    assert f"(to {metrics['drawn_one_smallest_move_on_ink']:.3f} per step with seed 0)" in " ".join(
        __import__("nnlessons_lstm_mnist").__doc__.split())
    assert "[4, 28, 100]" in text.getvalue() and "53,010" in text.getvalue()
    assert ctx.artifacts == [tmp_path / ROW_READING_FIGURE] and (tmp_path / ROW_READING_FIGURE).stat().st_size > 20_000


# ---- step sizes: why the notes' recipe is slow ------------------------------------------------


def test_sgd_moves_by_lr_times_gradient_and_adam_by_about_lr(tiny_mnist: Path) -> None:
    data = tiny_data(tiny_mnist)
    model = build_model(torch.device("cpu"), 0)
    adam_unclipped = Recipe("adam", 0.005, 64, 0.0, True)
    sizes = first_step_sizes(model, data.train_images, data.train_labels, {"notes": NOTES_RECIPE, "adam": adam_unclipped})
    for gradient, step in zip(sizes.gradient_norms, sizes.steps["notes"]):
        assert step == pytest.approx(0.01 * gradient, rel=1e-3)
    weight_hh = sizes.names.index("lstm.weight_hh_l0")
    assert sizes.steps["adam"][weight_hh] == pytest.approx(0.005 * 40_000**0.5, rel=0.05)  # each weight moves ~lr
    assert sizes.total("adam") / sizes.total("notes") > 100
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), build_model(torch.device("cpu"), 0).parameters()))


# ---- training ---------------------------------------------------------------------------------


def test_default_recipe_learns_the_tiny_digits_and_the_notes_recipe_barely_moves(tiny_mnist: Path) -> None:
    data = tiny_data(tiny_mnist)
    fast = fit(build_model(torch.device("cpu"), 0), Recipe("adam", 0.005, 16, 1.0, True), data.train, data.test, 12,
               torch.Generator().manual_seed(2))
    slow = fit(build_model(torch.device("cpu"), 0), NOTES_RECIPE, data.train, data.test, 12, torch.Generator().manual_seed(2))
    assert fast[-1].test_accuracy >= 0.9
    assert fast[-1].train_loss < 0.5 < 2.0 < slow[-1].train_loss
    assert seconds_to_reach(fast, 0.9) is not None and seconds_to_reach(slow, 0.99) is None


def test_training_is_reproducible(tiny_mnist: Path) -> None:
    data = tiny_data(tiny_mnist)

    def once() -> list[float]:
        results = fit(build_model(torch.device("cpu"), 0), DEFAULT_RECIPE, data.train, data.test, 2, torch.Generator().manual_seed(2))
        return [loss for r in results for loss in r.batch_losses]

    assert once() == once()


def test_losses_over_steps_runs_across_epochs_like_fit(tiny_mnist: Path) -> None:
    data = tiny_data(tiny_mnist)
    recipe = Recipe("adam", 0.003, 16, 1.0, True)  # 60 images: 4 batches per epoch
    steps = losses_over_steps(build_model(torch.device("cpu"), 0), recipe, *data.train, 10, torch.Generator().manual_seed(4))
    epochs = fit(build_model(torch.device("cpu"), 0), recipe, data.train, data.test, 3, torch.Generator().manual_seed(4))
    assert len(steps) == 10
    assert steps == pytest.approx([loss for r in epochs for loss in r.batch_losses][:10], abs=1e-6)


class TickingClock:
    """A fake clock: every reading is `tick` seconds after the one before, however fast the machine is."""

    def __init__(self, tick: float = 1.0) -> None:
        self.now = 0.0
        self.tick = tick
        self.readings = 0

    def __call__(self) -> float:
        reading = self.now
        self.now += self.tick
        self.readings += 1
        return reading


def test_time_budget_stops_mid_epoch(tiny_mnist: Path) -> None:
    data = tiny_data(tiny_mnist)
    clock = TickingClock()
    results = fit(build_model(torch.device("cpu"), 0), Recipe("sgd", 0.01, 1, 0.0, True), data.train, data.test, 1000,
                  torch.Generator().manual_seed(2), budget_seconds=10, clock=clock)
    # readings: 0 at the start (deadline 10), 1 at the epoch's start, then one after each batch: 2, 3, ..., 10
    # after the 9th batch of 60 (batch size 1), which stops the epoch there
    assert len(results) == 1 and results[0].epoch == round(9 / 60, 3)
    assert len(results[0].batch_losses) == 9
    assert results[0].seconds == 10  # read 1 at the epoch's start, 11 once its batches are done
    assert results[0].elapsed == 12  # read after the test, 12 ticks after the start


def test_without_a_budget_the_clock_only_times_the_epochs(tiny_mnist: Path) -> None:
    data = tiny_data(tiny_mnist)
    clock = TickingClock(tick=0.5)
    results = fit(build_model(torch.device("cpu"), 0), Recipe("adam", 0.005, 16, 1.0, True), data.train, data.test, 3,
                  torch.Generator().manual_seed(2), clock=clock)
    assert [r.epoch for r in results] == [1, 2, 3]
    assert [r.seconds for r in results] == [0.5, 0.5, 0.5]  # start and end of each epoch, nothing read per batch
    assert [r.elapsed for r in results] == [1.5, 3.0, 4.5] and clock.readings == 1 + 3 * 3  # 3 readings per epoch


def test_predict_matches_the_model_and_restores_training_mode(tiny_mnist: Path) -> None:
    data = tiny_data(tiny_mnist)
    model = build_model(torch.device("cpu"), 0)
    predicted = predict(model, data.test_images, chunk=7)
    assert torch.equal(predicted, model(data.test_images).argmax(dim=1)) and model.training


def test_confusion_matrix_and_grid() -> None:
    true = torch.tensor([0, 1, 1, 2, 9, 9])
    predicted = torch.tensor([0, 1, 2, 2, 9, 4])
    expected = np.zeros((10, 10), dtype=int)
    for t, p in zip(true.tolist(), predicted.tolist()):
        expected[t, p] += 1
    assert np.array_equal(confusion_matrix(predicted, true), expected)
    many_true = np.zeros(100, dtype=int)
    many_pred = many_true.copy()
    many_pred[[50, 70]] = 3
    indices = grid_indices(many_pred, many_true)
    assert len(indices) == 32 and {50, 70} <= set(indices.tolist()) and list(indices) == sorted(indices)


def test_most_confused_pairs_are_read_off_the_matrix() -> None:
    confusion = np.diag(np.full(10, 50))
    confusion[4, 9], confusion[7, 1], confusion[2, 7], confusion[9, 4] = 6, 9, 6, 2
    assert most_confused_pairs(confusion) == [(7, 1, 9), (2, 7, 6), (4, 9, 6)]  # ties: in the matrix's order
    assert most_confused_pairs(confusion, top=10)[-1] == (9, 4, 2)  # only cells that hold mistakes
    assert most_confused_pairs(np.diag(np.full(10, 3))) == []


def test_the_confused_pairs_printed_are_this_runs(tmp_path: Path) -> None:
    ctx, text = step_one_context(tmp_path)
    confusion = np.diag(np.full(10, 20))
    confusion[3, 8] = 5  # not a pair any page could have guessed
    assert show_confused_pairs(ctx, confusion) == {"3 read as 8": 5}
    printed = " ".join(text.getvalue().split())
    assert "mixed up most" in printed and "5 mistakes in all" in printed
    assert show_confused_pairs(ctx, np.diag(np.full(10, 20))) == {}
    assert "confusion matrix is diagonal" in text.getvalue()


def test_the_page_names_no_confused_digits_and_states_computed_numbers() -> None:
    import nnlessons_lstm_mnist

    page = " ".join(nnlessons_lstm_mnist.__doc__.split())
    assert "typically" not in page and "5 read as 3" not in page  # the run names the pairs, the page does not
    assert "names the three largest" in page
    from nnlessons_lstm_mnist.lesson import CONFUSED_PAIRS_SHOWN
    assert CONFUSED_PAIRS_SHOWN == 3


# ---- the lesson through the CLI ---------------------------------------------------------------


def test_quick_run_on_tiny_files_shows_everything(run_lesson, tiny_mnist: Path) -> None:
    record = run_lesson("lstm-mnist", "--data-dir", str(tiny_mnist), "--no-download")
    metrics = record["metrics"]
    assert record["params"]["epochs"] == 4
    # 300 training + 100 validation and 200 test images asked (--quick), 60 and 30 on disk: training and validation
    # share the 60 in the proportion asked, 3 to 1; the run records what it used
    assert [record["params"][k] for k in ("limit_train", "limit_val", "limit_test")] == [45, 15, 30]
    reason = "the training data holds 60 images, shared by --limit-train and --limit-val in the proportion asked"
    assert record["params_adjusted"]["limit_train"] == {"asked": 300, "used": 45, "reason": reason}
    assert record["params_adjusted"]["limit_val"] == {"asked": 100, "used": 15, "reason": reason}
    assert "--limit-train 45 " in record["command"] and "--limit-test 30 " in record["command"]
    assert record["threads"] == 1  # LessonInfo.cpu_threads: two threads collapse beside a busy core
    assert metrics["n_train"] == 45 and metrics["n_val"] == 15 and metrics["n_test"] == 30 and metrics["epochs"] == 4
    assert metrics["train_val_overlap"] == 0
    text = " ".join(record.output.split())
    assert "The test digits, 30 of them, measured once, now that training is over" in text
    assert metrics["parameter_count"] == metrics["parameter_count_formula"] == 53_010
    assert metrics["drawn_one_smallest_move_on_ink"] < metrics["drawn_one_biggest_move"]
    assert metrics["last_step_vs_h_n_max_abs_diff"] == 0.0
    assert metrics["by_hand_vs_nn_lstm_max_abs_diff"] < 1e-5
    assert metrics["no_batch_first_same_shape"] == 1 and metrics["no_batch_first_max_abs_diff"] > 0.01
    assert metrics["reload_logits_max_abs_diff"] == 0.0
    assert metrics["first_step_ratio"] > 100
    assert 0.0 <= metrics["test_accuracy"] <= 1.0 and "train_seconds" not in metrics
    assert set(record["timings"]) == {"train_seconds", "train_seconds_by_epoch"}
    assert set(record["timings"]["train_seconds_by_epoch"]) == {"1", "2", "3", "4"}
    assert record["timings"]["train_seconds"] == pytest.approx(sum(record["timings"]["train_seconds_by_epoch"].values()))
    assert set(metrics["val_accuracy_by_epoch"]) == {"1", "2", "3", "4"} and "test_accuracy_by_epoch" not in metrics
    assert metrics["compare_steps"] == 4  # 4 epochs of one batch: the race is cut to the steps both made
    names = {Path(p).name for p in record["artifacts"]}
    assert PNGS | {"lstm_mnist_state_dict.pt"} <= names and (record.out_dir / "run.json").is_file()
    assert all((record.out_dir / p).stat().st_size > 1000 for p in record["artifacts"] if p.endswith(".png"))
    state = torch.load(record.out_dir / "lstm_mnist_state_dict.pt", weights_only=True)
    assert tuple(state["lstm.weight_hh_l0"].shape) == (400, 100)


def test_longer_run_learns_and_same_seed_gives_same_numbers(run_lesson, tiny_mnist: Path) -> None:
    args = ("--data-dir", str(tiny_mnist), "--no-download", "--epochs", "10", "--batch-size", "16")
    first = run_lesson("lstm-mnist", *args)["metrics"]
    assert first["test_accuracy"] >= 0.9
    assert first["compare_steps"] == 20
    assert first["notes_loss_at_compare_steps"] > 2.2 > 1.5 > first["this_run_loss_at_compare_steps"]
    assert first["val_accuracy_by_epoch"]["10"] >= 0.9  # the validation digits, measured after every epoch
    second = run_lesson("lstm-mnist", *args, "--overwrite")["metrics"]
    assert first == second


def test_missing_data_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "lstm-mnist", "--quick", "--device", "cpu", "--out", str(tmp_path / "o"),
                                      "--data-dir", str(tmp_path / "nothing"), "--no-download"])
    assert result.exit_code == 2
    assert "MNIST is not available" in result.output and "train-images-idx3-ubyte" in result.output


@pytest.mark.parametrize("args, words", [(["--optimizer", "rmsprop"], "rmsprop"), (["--limit-train", "5"], "limit-train")])
def test_bad_options_exit_2(tmp_path: Path, args: list[str], words: str) -> None:
    result = CliRunner().invoke(cli, ["run", "lstm-mnist", "--device", "cpu", "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2 and words in result.output


def test_listed_with_options_and_no_torch_at_import() -> None:
    result = CliRunner().invoke(cli, ["list", "--json"])
    lesson = next(entry for entry in json.loads(result.output) if entry["id"] == "lstm-mnist")
    assert not lesson["broken"] and lesson["needs_download"]
    flags = {option["flag"] for option in lesson["options"]}
    assert {"--data-dir", "--download", "--limit-train", "--limit-test", "--epochs", "--optimizer", "--lr",
            "--batch-size", "--clip", "--normalize"} <= flags
    code = "import sys, nnlessons_lstm_mnist; print(sorted({'torch', 'numpy', 'matplotlib', 'pandas'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


# ---- the benchmark script ---------------------------------------------------------------------


def test_benchmark_runs_on_tiny_gz_files(tmp_path: Path) -> None:
    raw = write_tiny_mnist(tmp_path / "data", n_test=30, gz=True) / "MNIST" / "raw"
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "mnist.py"), "--mnist-dir", str(raw), "--train", "20", "--test", "10",
         "--budget", "1", "--speed-steps", "0"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "default" in result.stdout and "notes" in result.stdout and "test accuracy" in result.stdout
    table_rows = [line for line in result.stdout.splitlines() if line.startswith(("│ default", "│ notes"))]
    assert len(table_rows) == 2 and all("%" in row for row in table_rows)
