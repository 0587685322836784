"""Tests of the dataset-dataloader lesson: its pieces against PyTorch and numpy, and whole runs through the CLI."""

from __future__ import annotations

import io
import itertools
import math
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from rich.console import Console
from torch.utils.data import DataLoader, TensorDataset

from nnlessons import LessonInputError
from nnlessons.cli import cli
from nnlessons.run_context import Params, RunContext
from nnlessons_dataset_dataloader import batching, lesson, pitfalls, shuffling, throughput
from nnlessons_dataset_dataloader.csv_table import generate_table, read_table, write_table
from nnlessons_dataset_dataloader.dataset import CsvDataset
from nnlessons_dataset_dataloader.model import build_classifier, evaluate, logit_loss_check, majority_accuracy

LESSON = "dataset-dataloader"


@pytest.fixture
def table_csv(tmp_path: Path) -> Path:
    """The lesson's default 759 x 8 table, written as CSV."""
    return write_table(generate_table(torch.Generator().manual_seed(0)), tmp_path / "table.csv")


@pytest.fixture
def dataset(table_csv: Path) -> CsvDataset:
    return CsvDataset(table_csv)


pytestmark = pytest.mark.usefixtures("one_cpu_thread")


def make_ctx(tmp_path: Path, **overrides: object) -> RunContext:
    """A RunContext like the runner builds, with quick parameters, printing into a string."""
    params = {"csv": "", "rows": 759, "batch_size": 32, "workers": 2, "samples": 500, "epochs": 5, "lr": 0.02}
    params.update(overrides)
    tmp_path.mkdir(parents=True, exist_ok=True)
    return RunContext(lesson_id=LESSON, device=torch.device("cpu"), seed=0, out_dir=tmp_path, params=Params(params),
                      quick=True, console=Console(file=io.StringIO(), width=120), show_progress=False)


# ---- the CSV file -------------------------------------------------------------------------------


def test_generated_table_has_759_rows_8_features_and_both_labels() -> None:
    table = generate_table(torch.Generator().manual_seed(0))
    assert table.shape == (759, 9)
    labels = table[:, -1]
    assert set(labels.unique().tolist()) == {0.0, 1.0}
    assert 0.25 < labels.mean().item() < 0.45  # label 1 is the minority class


def test_generated_table_is_reproducible_from_the_seed() -> None:
    first = generate_table(torch.Generator().manual_seed(5))
    again = generate_table(torch.Generator().manual_seed(5))
    other = generate_table(torch.Generator().manual_seed(6))
    assert torch.equal(first, again)
    assert not torch.equal(first, other)


def test_written_csv_reads_back_like_numpy_loadtxt(table_csv: Path) -> None:
    ours = read_table(table_csv)
    oracle = np.loadtxt(table_csv, delimiter=",", skiprows=1, dtype=np.float32)
    assert ours.shape == (759, 9)
    assert np.array_equal(ours, oracle)
    written_from = generate_table(torch.Generator().manual_seed(0)).numpy()
    assert np.abs(ours - written_from).max() <= 5e-6 + 1e-6  # 5 decimals in the file, float32 rounding


def test_csv_without_header_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("0.5,1.5,0\n-2,3,1\n4,5,1\n")
    assert read_table(path).tolist() == [[0.5, 1.5, 0.0], [-2.0, 3.0, 1.0], [4.0, 5.0, 1.0]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a,b,label\n1,2,0\n3,x,1\n", "Line 3, column 'b'"),
        ("1,2,0\n3,4\n", "has 2 cells but the first line has 3"),
        ("1\n0\n1\n", "it needs at least one feature column and a label column"),
        ("1,2,0\n3,4,2\n", "must hold 0/1 labels"),
        ("1,2,1\n3,4,1\n", "needs rows of both classes"),
        ("x1,x2,label\n1,2,0\n", "has 1 data row(s)"),
        ("1,nan,0\n3,4,1\n", "not a finite number"),
    ],
)
def test_bad_csv_raises_lesson_input_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(LessonInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_table(path)


def test_missing_and_binary_files_raise_lesson_input_error(tmp_path: Path) -> None:
    with pytest.raises(LessonInputError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    binary = tmp_path / "image.csv"
    binary.write_bytes(bytes(range(128, 256)))
    with pytest.raises(LessonInputError, match="is not UTF-8 text"):
        read_table(binary)


def test_cli_exits_with_code_2_on_a_csv_with_a_bad_label_column(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("x1,x2,label\n0.1,0.2,0\n0.3,0.4,7\n")
    result = CliRunner().invoke(cli, ["run", LESSON, "--quick", "--device", "cpu", "--csv", str(path),
                                      "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert "must hold 0/1 labels" in result.output
    assert "Traceback" not in result.output


def test_cli_exits_with_code_2_on_a_missing_csv(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", LESSON, "--quick", "--device", "cpu", "--csv", str(tmp_path / "absent.csv"),
                                      "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


# ---- the Dataset --------------------------------------------------------------------------------


def test_dataset_len_items_and_label_column(dataset: CsvDataset, table_csv: Path) -> None:
    oracle = np.loadtxt(table_csv, delimiter=",", skiprows=1, dtype=np.float32)
    assert len(dataset) == 759
    features, label = dataset[10]
    assert features.shape == (8,) and label.shape == (1,)
    assert np.array_equal(features.numpy(), oracle[10, :-1])
    assert label.item() == oracle[10, -1]
    assert dataset.labels.shape == (759, 1)


def test_dataset_survives_pickling_as_worker_processes_need(dataset: CsvDataset) -> None:
    assert type(dataset).__module__ == "nnlessons_dataset_dataloader.dataset"  # importable by module path
    copy = pickle.loads(pickle.dumps(dataset))
    assert torch.equal(copy.features, dataset.features) and torch.equal(copy.labels, dataset.labels)


def test_base_dataset_is_instantiable_but_has_no_items() -> None:
    built, item, length = pitfalls.base_dataset_outcomes()
    assert not built.raised
    assert item.raised and item.result.startswith("NotImplementedError")
    assert length.raised and length.result.startswith("TypeError")


def test_bce_accepts_a_column_target_and_refuses_a_flat_one() -> None:
    column, flat = pitfalls.bce_shape_outcomes(32, torch.device("cpu"))
    assert column.code.startswith("BCEWithLogitsLoss()(logits [32, 1]")  # the loss the lesson trains with
    assert not column.raised and float(column.result) == pytest.approx(math.log(2), abs=1e-6)  # logit 0: ln 2
    assert flat.raised and "Target size (torch.Size([32])) must be the same as input size" in flat.result


def test_label_slices_have_the_shapes_the_lesson_prints() -> None:
    table = np.zeros((759, 9), dtype=np.float32)
    assert pitfalls.label_column_shapes(table) == ((759,), (759, 1))


# ---- batches and shuffling ----------------------------------------------------------------------


@pytest.mark.parametrize("n_rows", [1, 7, 32, 759, 1000])
@pytest.mark.parametrize("batch_size", [1, 5, 32, 64, 2000])
@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_formula_matches_len_of_a_pytorch_dataloader(n_rows: int, batch_size: int, drop_last: bool) -> None:
    loader = DataLoader(TensorDataset(torch.arange(n_rows)), batch_size=batch_size, drop_last=drop_last)
    assert batching.batches_per_epoch(n_rows, batch_size, drop_last) == len(loader)


def test_counted_batches_for_759_rows(dataset: CsvDataset) -> None:
    plain = batching.count_batches(dataset, 32, drop_last=False)
    dropped = batching.count_batches(dataset, 32, drop_last=True)
    assert (plain.counted, plain.last_batch_rows, plain.rows_seen) == (24, 23, 759)
    assert (dropped.counted, dropped.last_batch_rows, dropped.rows_seen) == (23, 32, 736)
    assert plain.agrees and dropped.agrees
    too_big = batching.count_batches(dataset, 1000, drop_last=True)
    assert (too_big.counted, too_big.rows_seen) == (0, 0)


def test_first_batch_shapes(dataset: CsvDataset) -> None:
    features, labels = batching.first_batch(dataset, 32, torch.Generator().manual_seed(0))
    assert features.shape == (32, 8) and labels.shape == (32, 1)


def test_shuffle_is_new_each_epoch_and_repeats_with_the_same_seed() -> None:
    run_a = shuffling.epoch_orders(100, 8, torch.Generator().manual_seed(3), epochs=2)
    run_b = shuffling.epoch_orders(100, 8, torch.Generator().manual_seed(3), epochs=2)
    other = shuffling.epoch_orders(100, 8, torch.Generator().manual_seed(4), epochs=1)
    assert all(torch.equal(a, b) for a, b in zip(run_a, run_b))
    assert shuffling.positions_differing(run_a[0], run_a[1]) > 50
    assert shuffling.positions_differing(run_a[0], other[0]) > 50
    assert all(shuffling.is_permutation(order) for order in run_a)
    assert torch.equal(shuffling.epoch_orders(100, 8, None, epochs=1)[0], torch.arange(100))


def test_is_permutation_can_say_no() -> None:
    assert not shuffling.is_permutation(torch.tensor([0, 0, 2]))
    assert shuffling.positions_differing(torch.tensor([0, 1, 2]), torch.tensor([0, 2, 1])) == 2


def test_loader_over_the_dataset_yields_the_rows_of_the_order(dataset: CsvDataset) -> None:
    orders = shuffling.epoch_orders(len(dataset), 32, torch.Generator().manual_seed(9), epochs=2)
    loaded = shuffling.epoch_features(dataset, 32, torch.Generator().manual_seed(9), epochs=2)
    assert all(shuffling.rows_mismatch(loaded[e], dataset, orders[e]) == 0 for e in range(2))
    assert shuffling.rows_mismatch(loaded[1], dataset, orders[0]) > 0  # the check can fail


# ---- throughput ---------------------------------------------------------------------------------


def _first_epoch(stream, n_batches: int) -> tuple[torch.Tensor, torch.Tensor]:
    batches = [next(stream) for _ in range(n_batches)]
    stream.close()
    return torch.cat([f for f, _ in batches]), torch.cat([l for _, l in batches])


def test_every_way_of_batching_delivers_each_row_once_per_epoch(dataset: CsvDataset) -> None:
    methods = throughput.in_memory_methods(dataset, 32, 2, seed=0, device=torch.device("cpu"))
    assert len(methods) == 5
    expected_column = dataset.features[:, 0].sort().values
    for key, _, start in methods:
        features, labels = _first_epoch(start(), n_batches=24)  # ceil(759 / 32)
        assert features.shape == (759, 8) and labels.shape == (759, 1), key
        assert torch.equal(features[:, 0].sort().values, expected_column), key
        assert labels.sum() == dataset.labels.sum(), key


def ticking_clock(tick: float):
    """A fake clock: each reading is `tick` seconds after the last, whatever the machine's speed."""
    readings = itertools.count()
    return lambda: tick * next(readings)


def test_throughput_measures_at_least_the_requested_samples(dataset: CsvDataset) -> None:
    results = throughput.measure_in_memory(dataset, 32, workers=0, target_samples=600, device=torch.device("cpu"), seed=0,
                                           clock=ticking_clock(0.5))
    assert [r.key for r in results] == ["csv_dataset_workers0", "tensor_dataset", "tensor_dataset_whole_batch", "device_slicing"]
    assert all(600 <= r.samples < 600 + 32 for r in results)
    # three readings per way: before the first batch, after it, after the last
    assert all(r.first_batch_seconds == 0.5 and r.seconds == 0.5 and r.samples_per_second == 2 * r.samples for r in results)


# ---- the classifier -----------------------------------------------------------------------------


def test_classifier_outputs_a_logit_and_has_87_parameters() -> None:
    model = build_classifier(8)
    assert sum(p.numel() for p in model.parameters()) == (8 * 6 + 6) + (6 * 4 + 4) + (4 * 1 + 1)
    assert isinstance(model[-1], torch.nn.Linear)  # no sigmoid after the last layer: BCEWithLogitsLoss applies it
    with torch.no_grad():
        model[-1].bias.fill_(5.0)  # a logit is any real number, not squashed into (0, 1)
        out = model(torch.randn(32, 8))
    assert out.shape == (32, 1) and bool((out > 1).any())


def test_evaluate_takes_logits_and_majority_against_hand_counts() -> None:
    model = torch.nn.Sequential(torch.nn.Identity())
    probabilities = torch.tensor([[0.9], [0.2], [0.7], [0.4]])
    logits = torch.logit(probabilities)
    labels = torch.tensor([[1.0], [0.0], [0.0], [0.0]])
    loss, accuracy = evaluate(model, logits, labels, torch.nn.BCEWithLogitsLoss())
    assert accuracy == pytest.approx(0.75)  # sigmoid(logit) > 0.5 predicts 1
    assert loss == pytest.approx(torch.nn.functional.binary_cross_entropy(probabilities, labels).item(), abs=1e-6)
    assert majority_accuracy(torch.tensor([[0.0], [0.0], [1.0]]), labels) == pytest.approx(0.75)


def test_logit_loss_check_computes_one_loss_two_ways_and_the_double_sigmoid() -> None:
    model = torch.nn.Sequential(torch.nn.Identity())
    logits = torch.tensor([[-4.0], [-0.5], [0.0], [2.0], [9.0]])
    labels = torch.tensor([[0.0], [1.0], [0.0], [1.0], [1.0]])
    check = logit_loss_check(model, logits, labels)
    by_hand = -(labels * torch.log(torch.sigmoid(logits)) + (1 - labels) * torch.log(1 - torch.sigmoid(logits))).mean()
    assert check["bce_with_logits"] == pytest.approx(by_hand.item(), abs=1e-6)
    assert check["abs_diff"] < 1e-6 and check["predict_1_by_probability_vs_logit_disagree"] == 0
    assert (check["min_logit"], check["max_logit"]) == (-4.0, 9.0)
    assert 0.5 < check["min_sigmoid_twice"] < check["max_sigmoid_twice"] < 1 / (1 + math.exp(-1))
    assert check["bce_with_logits_of_sigmoid"] == pytest.approx(torch.nn.functional.binary_cross_entropy_with_logits(
        torch.sigmoid(logits), labels).item())


def test_training_beats_the_majority_label_and_repeats_exactly(tmp_path: Path, dataset: CsvDataset) -> None:
    first = lesson.show_training(make_ctx(tmp_path / "a"), dataset, generated=True)["training"]
    again = lesson.show_training(make_ctx(tmp_path / "b"), dataset, generated=True)["training"]
    assert first == again
    assert first["test_accuracy"] > first["majority_accuracy"] + 0.1
    assert first["final_train_loss"] < 0.6  # below ln 2 = 0.693, the loss of always answering 0.5
    assert (first["train_rows"], first["test_rows"], first["batches_per_training_epoch"]) == (607, 152, 19)


# ---- whole runs ---------------------------------------------------------------------------------


def test_quick_run_records_every_claim(run_lesson) -> None:
    record = run_lesson(LESSON)
    assert record["threads"] == 1  # LessonInfo.cpu_threads
    m = record["metrics"]
    assert (m["rows"], m["features"], m["label_shape_cols"]) == (759, 8, 1)
    assert m["first_batch"] == {"features_rows": 32, "features_cols": 8, "labels_rows": 32, "labels_cols": 1}
    assert m["batches_per_epoch"]["b32"] == 24 and m["batches_per_epoch"]["b32_drop_last"] == 23
    assert m["batch_count_mismatches"] == 0
    assert m["base_dataset_instantiable"] == 1 and m["base_dataset_getitem_raises"] == 1
    assert m["bce_column_target_ok"] == 1 and m["bce_flat_target_rejected"] == 1
    shuffle = m["shuffle"]
    assert shuffle["same_seed_positions_differ"] == 0
    assert shuffle["epoch1_vs_epoch2_positions_differ"] > 700 and shuffle["other_seed_positions_differ"] > 700
    assert shuffle["all_orders_are_permutations"] == 1 and shuffle["unshuffled_is_file_order"] == 1
    assert shuffle["loader_rows_max_abs_diff"] == 0
    assert m["tensor_dataset"] == {"len_difference": 0, "item_max_abs_diff": 0.0, "batch_max_abs_diff": 0.0}
    ways = {"csv_dataset_workers0", "csv_dataset_workers2", "tensor_dataset", "tensor_dataset_whole_batch", "device_slicing"}
    assert set(m["throughput_samples_timed"]) == ways and all(2000 <= n < 2000 + 32 for n in m["throughput_samples_timed"].values())
    assert set(m["waiting_samples_timed"]) == {"waiting_workers0", "waiting_workers2"}
    timings = record["timings"]  # measured rates: kept out of the metrics, which the seed reproduces exactly
    assert set(timings["throughput_samples_per_second"]) == ways
    assert min(timings["throughput_times_slower_than_fastest"].values()) == 1.0
    assert set(timings["waiting_samples_per_second"]) == {"waiting_workers0", "waiting_workers2"}
    assert timings["waiting_speedup_over_workers0"]["waiting_workers0"] == 1.0
    assert not {"throughput_samples_per_second", "waiting_samples_per_second", "waiting_speedup_over_workers0"} & set(m)
    assert m["training"]["beats_majority"] == 1
    # the model outputs logits, trained with BCEWithLogitsLoss; the sigmoid only reads probabilities
    logits = m["training"]["logits"]
    assert logits["bce_with_logits"] == m["training"]["final_test_loss"]  # evaluate() uses the training loss
    assert logits["abs_diff"] < 1e-6 and logits["predict_1_by_probability_vs_logit_disagree"] == 0
    assert logits["min_logit"] < 0 < logits["max_logit"] and 0 < logits["min_probability"] < logits["max_probability"] < 1
    assert 0.5 < logits["min_sigmoid_twice"] and logits["max_sigmoid_twice"] < 0.7311
    assert logits["bce_with_logits_of_sigmoid"] > logits["bce_with_logits"] + 0.1
    text = " ".join(record.output.split())
    assert "into (0.5, 0.731)" in text and "The first two losses are the same number" in text
    assert f"about {m['training']['majority_accuracy']:.2f} on the default held-out rows" in page_text()  # seed 0
    names = {Path(p).name for p in record["artifacts"]}
    assert {"table.csv", "throughput.png", "training.png"} <= names
    assert all((record.out_dir / name).stat().st_size > 0 for name in names)


def page_text() -> str:
    import nnlessons_dataset_dataloader

    return " ".join(nnlessons_dataset_dataloader.__doc__.split())


def test_the_page_teaches_logits_and_bce_with_logits_as_the_classification_lesson_does() -> None:
    page = page_text()
    assert "a sigmoid after every layer" not in page and "trained with `BCELoss`" not in page
    assert "it outputs a **logit**" in page and "It trains with `BCEWithLogitsLoss`" in page
    assert "`torch.sigmoid` is applied only to read probabilities" in page
    import nnlessons_dataset_dataloader

    assert "BCEWithLogitsLoss" in nnlessons_dataset_dataloader.nnlessons_lesson_info().concepts


def test_the_page_claims_no_timing_order_the_run_does_not_measure() -> None:
    page = page_text()
    assert "are many times slower" not in page and "slower still" not in page  # orderings a busy machine can flip
    assert "where `num_workers=2` is faster" not in page and "slower, not faster" not in page
    assert "read the ranking off your own run" in page
    assert "the right number is 0" not in page  # a timing claim: section 5 measures it instead


def test_run_on_a_users_csv_with_other_shape(run_lesson, tmp_path: Path) -> None:
    rows = generate_table(torch.Generator().manual_seed(1), rows=50)[:, [0, 1, 2, -1]]  # 3 features
    path = write_table(rows, tmp_path / "mine.csv")
    record = run_lesson(LESSON, "--csv", str(path), "--batch-size", "16", "--workers", "0", "--samples", "500",
                        "--epochs", "2")
    m = record["metrics"]
    assert (m["rows"], m["features"]) == (50, 3)
    assert m["first_batch"]["features_cols"] == 3 and m["first_batch"]["features_rows"] == 16
    assert m["batches_per_epoch"]["b16"] == 4 and m["batches_per_epoch"]["b16_drop_last"] == 3
    assert "csv_dataset_workers2" not in m["throughput_samples_timed"]
    assert "csv_dataset_workers2" not in record["timings"]["throughput_samples_per_second"]
    assert "generating_rule_accuracy" not in m["training"]
    assert "table.csv" not in {Path(p).name for p in record["artifacts"]}


def test_plugin_module_does_not_import_torch() -> None:
    code = "import sys, nnlessons_dataset_dataloader as p; p.nnlessons_lesson_info(); print(sorted({'torch', 'numpy', 'pandas', 'matplotlib'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
