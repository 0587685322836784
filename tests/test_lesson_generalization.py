"""generalization: the splits, the decay step and the state_dict pitfall computed, the optimism arithmetic, the
evaluation modes, and the whole lesson --quick on tiny IDX files (every claim holding, metrics reproducible)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from click.testing import CliRunner
from mnist_fixtures import tiny_mnist, write_tiny_mnist  # noqa: F401  (tiny_mnist is a fixture)

import nnlessons_generalization as lesson
from nnlessons.cli import cli
from nnlessons.drawn_digit import draw_digits
from nnlessons.mnist import MnistSplit
from nnlessons_generalization import decay, modes, optimism, splits, state_copies
from nnlessons_generalization.exercises import checks
from nnlessons_generalization.lesson import train_sizes, widths
from nnlessons_generalization.model import MLP
from nnlessons_generalization.training import TensorData, evaluate

PNGS = {"adam_l2_vs_adamw.png", "splits.png", "capacity.png", "data_size.png", "regularisation.png", "optimism.png"}


@pytest.fixture(autouse=True)
def one_thread(one_cpu_thread):
    """The lesson's own setting (cpu_threads=1)."""


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One --quick run on 200 + 60 tiny digits, shared by the tests that read it."""
    root = tmp_path_factory.mktemp("gen")
    data = write_tiny_mnist(root / "data", n_train=200, n_test=60)
    out = root / "out"
    result = CliRunner().invoke(cli, ["run", "generalization", "--quick", "--device", "cpu", "--seed", "0", "--json",
                                      "--out", str(out), "--data-dir", str(data), "--no-download"], catch_exceptions=False)
    assert result.exit_code == 0, result.output[-3000:]
    return json.loads(result.stdout), out, result.output


# ---- the whole lesson --------------------------------------------------------------------------


def test_quick_run_holds_every_claim_and_saves_every_figure_with_a_caption(quick_run) -> None:
    record, out, output = quick_run
    m = record["metrics"]
    assert record["status"] == "ok"
    assert m["claims_holding"] == m["claims_total"] >= 20
    assert {Path(p).name for p in record["artifacts"] if p.endswith(".png")} == PNGS
    assert all(len(record["captions"][name]) > 40 for name in PNGS)
    for heading in ("1. L2 in Adam", "2. A state_dict", "3. Three splits", "4. Capacity", "5. Data", "6. Regularisation",
                    "7. Evaluating", "8. The test set, once", "9. What choosing by the test set"):
        assert heading in output
    assert record["timings"] == {}  # nothing measured by the clock: every number is reproducible


def test_quick_run_splits_the_training_file_to_fit_and_says_so(quick_run) -> None:
    record, _, _ = quick_run
    m = record["metrics"]
    assert m["split_sizes"] == {"train": 100, "validation": 50, "fresh": 50, "test": 60}  # 600:300:300 scaled to 200
    assert m["split_overlap"] == 0
    assert record["params"]["train_images"] == 100 and record["params_adjusted"]["train_images"]["asked"] == 600
    assert {name: sum(counts) for name, counts in m["class_counts"].items()} == m["split_sizes"]
    assert m["widths"] == [4, 32, 256] and m["train_sizes"] == [100, 25, 6]


def test_quick_run_numbers_the_issue_asks_for(quick_run) -> None:
    m = quick_run[0]["metrics"]
    assert m["decay_steps_max_abs_diff"] > 1e-4  # AdamW and Adam + weight_decay differ by a computed amount
    assert m["decay_idle_step_adam_l2"] > 100 * m["decay_idle_step_adamw"]
    assert m["state_live_vs_after_step"] == 0 and m["state_copy_vs_after_step"] > 0
    assert m["live_state_vs_last_weights"] == 0
    assert m["best_copy_reloaded_val_loss"] == pytest.approx(m["best_val_loss"], abs=1e-6)
    assert m["live_state_reloaded_val_loss"] == pytest.approx(m["last_val_loss"], abs=1e-6)
    assert m["modes_train_mode_repeat_max_abs_diff"] > 0 and m["modes_eval_repeat_max_abs_diff"] == 0
    assert m["modes_graph_bytes_with_no_grad"] == 0 < m["modes_graph_bytes_without_no_grad"]
    assert m["resampled_gap_choosing_on_validation"] == 0 <= m["resampled_gap_choosing_on_reported"]
    assert m["by_test_test_accuracy"] - m["by_test_fresh_accuracy"] == pytest.approx(m["by_test_gap"])
    assert m["candidates"] >= 7  # widths, regularisers, early stopping, and earlier best checkpoints


def test_same_seed_same_metrics(quick_run, tmp_path) -> None:
    data = write_tiny_mnist(tmp_path / "data", n_train=200, n_test=60)
    result = CliRunner().invoke(cli, ["run", "generalization", "--quick", "--device", "cpu", "--seed", "0", "--json",
                                      "--out", str(tmp_path / "out"), "--data-dir", str(data), "--no-download"])
    assert json.dumps(json.loads(result.stdout)["metrics"], sort_keys=True) == json.dumps(quick_run[0]["metrics"], sort_keys=True)


def test_runs_on_the_smallest_tiny_files(run_lesson, tiny_mnist) -> None:
    run = run_lesson(lesson, "--data-dir", str(tiny_mnist), "--no-download")
    assert run.metrics["claims_holding"] == run.metrics["claims_total"]
    assert run.metrics["split_sizes"]["train"] == 30


def test_without_mnist_the_data_free_steps_run_then_exit_2(tmp_path) -> None:
    empty, out = tmp_path / "empty", tmp_path / "out"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["run", "generalization", "--quick", "--device", "cpu", "--out", str(out),
                                      "--data-dir", str(empty), "--no-download"])
    assert result.exit_code == 2, result.output
    error_at = result.output.index("MNIST is not available")
    assert -1 < result.output.find("Adam(weight_decay)") < error_at
    assert -1 < result.output.find("Kept before one Adam step") < error_at
    assert {p.name for p in out.glob("*.png")} == {"adam_l2_vs_adamw.png"}


def test_every_tensor_stays_on_the_device(check_device_placement, tiny_mnist) -> None:
    check_device_placement(lesson, "--data-dir", str(tiny_mnist), "--no-download", "--epochs", "2")


# ---- options ------------------------------------------------------------------------------------


def test_option_bounds_are_refused(expect_usage_error) -> None:
    expect_usage_error(lesson, "--hidden", "32", message="Invalid value for '--hidden'")
    expect_usage_error(lesson, "--weight-decay", "0", message="Invalid value for '--weight-decay'")
    expect_usage_error(lesson, "--dropout", "0.95", message="Invalid value for '--dropout'")
    expect_usage_error(lesson, "--epochs", "1", message="Invalid value for '--epochs'")


def test_more_images_than_the_training_file_is_refused_before_anything_is_made(expect_usage_error) -> None:
    expect_usage_error(lesson, "--train-images", "50000", "--val-images", "9000", "--fresh-images", "2000",
                       message="61,000 images, more than MNIST's training file holds (60,000)")


def test_defaults_fit_the_training_file_and_one_minute() -> None:
    info = lesson.nnlessons_lesson_info()
    defaults = {o.name: o.default for o in info.options}
    assert defaults["train_images"] + defaults["val_images"] + defaults["fresh_images"] <= 60_000
    assert info.cpu_threads == 1 and info.cpu_seconds <= 60 and info.order == 82


# ---- the parts ----------------------------------------------------------------------------------


def test_split_is_disjoint_seeded_and_scaled_to_fit() -> None:
    file = MnistSplit(torch.zeros(50, 28, 28, dtype=torch.uint8), torch.arange(50) % 10)
    a = splits.split_training_file(file, (30, 10, 10), file, torch.Generator().manual_seed(1))
    b = splits.split_training_file(file, (30, 10, 10), file, torch.Generator().manual_seed(1))
    assert torch.equal(a.train_indices, b.train_indices)
    everything = torch.cat([a.train_indices, a.validation_indices, a.fresh_indices])
    assert sorted(everything.tolist()) == list(range(50))
    assert splits.fitted_sizes((600, 300, 300), 60) == (30, 15, 15)
    assert splits.fitted_sizes((20, 1, 1), 3) == (1, 1, 1)
    assert splits.fitted_sizes((3, 2, 1), 10) == (3, 2, 1)


def test_adam_weight_decay_and_adamw_steps_follow_their_formulas_and_differ() -> None:
    torch.manual_seed(0)
    model = MLP(64)
    images, labels = draw_digits(), torch.tensor([0, 1, 3, 7])
    step = decay.one_step(model, images, labels, lr=1e-3, weight_decay=0.01)
    assert step.adam_l2_formula_diff <= step.tolerance and step.adamw_formula_diff <= step.tolerance
    idle = step.gradients == 0
    assert idle.sum() > 1000  # the drawn digits leave most border pixels blank
    assert step.adam_l2[idle].abs().mean() == pytest.approx(1e-3, rel=0.05)  # about lr, whatever the weight
    assert torch.allclose(step.adamw[idle], -1e-3 * 0.01 * step.weights[idle], atol=step.tolerance)  # lr lambda w
    assert (step.adam_l2 - step.adamw).abs().max() > 5e-4
    with pytest.raises(AssertionError):  # the same value of weight_decay, two different steps
        torch.testing.assert_close(step.adam_l2, step.adamw)


def test_live_state_dict_follows_the_model_and_a_deep_copy_does_not() -> None:
    torch.manual_seed(0)
    model = MLP(64)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

    def step() -> None:
        F.cross_entropy(model(draw_digits()), torch.tensor([0, 1, 3, 7])).backward()
        optimizer.step()

    found = state_copies.after_one_step(model, step)
    assert found["live_vs_now"] == 0 and found["live_shares_memory"]
    assert found["copy_vs_now"] > 0 and not found["copy_shares_memory"]


def test_resampled_optimism_is_never_negative_and_validation_choice_is_exactly_zero() -> None:
    g = torch.Generator().manual_seed(0)
    pool = torch.rand(6, 41, generator=g) < 0.8  # (K, M): an odd count, one digit left out of the halves
    val = torch.rand(6, 20, generator=g) < 0.8
    found = optimism.resample(val, pool, 50, g)
    assert found.half == 20 and found.counts_choosing_on_reported.shape == (100,)
    assert found.mean_gap_choosing_on_validation == 0
    pairs = found.counts_choosing_on_reported[:50] + found.counts_choosing_on_reported[50:]
    assert (pairs >= 0).all() and found.mean_gap_choosing_on_reported > 0
    same = torch.ones(3, 10, dtype=torch.bool)  # identical candidates: nothing to gain by choosing
    assert optimism.resample(same[:, :4], same, 5, g).mean_gap_choosing_on_reported == 0


def test_choose_takes_the_first_best_on_each_set() -> None:
    val = torch.tensor([[1, 0], [1, 1], [1, 1]], dtype=torch.bool)
    test = torch.tensor([[1, 1], [0, 1], [1, 1]], dtype=torch.bool)
    fresh = torch.tensor([[0, 0], [1, 1], [1, 0]], dtype=torch.bool)
    by_val, by_test = optimism.choose(val, test, fresh)
    assert (by_val.index, by_test.index) == (1, 0)
    assert by_test.gap == 1.0 and by_val.gap == 0.5 - 1.0


def test_evaluation_modes_on_a_dropout_network() -> None:
    torch.manual_seed(0)
    model = MLP(64, dropout=0.5).train()
    data = TensorData(torch.rand(70, 28, 28), torch.arange(70) % 10)
    found = modes.compare_modes(model, data, batch_size=64)
    assert model.training  # the mode it came in
    assert found["eval_repeat_max_abs_diff"] == 0 < found["train_mode_repeat_max_abs_diff"]
    assert found["graph_bytes_with_no_grad"] == 0 < found["graph_bytes_without_no_grad"]
    assert found["eval_loss"], found["eval_accuracy"] == evaluate(model, data)
    assert found["last_batch_images"] == 6 and found["per_batch_mean_loss"] != pytest.approx(found["eval_loss"], abs=1e-9)


def test_capacity_ladder_and_shrinking_sets() -> None:
    assert widths(256) == [4, 32, 256] and widths(64) == [1, 8, 64]
    assert train_sizes(3000) == [3000, 750, 187] and train_sizes(16) == [16, 4, 1]


# ---- the exercises' checks ----------------------------------------------------------------------


def test_the_fit_check_has_a_best_epoch_before_the_last_so_aliasing_shows() -> None:
    found = checks.reference_fit(checks.SCENARIOS[0].model(), checks.SCENARIOS[0])
    assert found.best_epoch < checks.SCENARIOS[0].epochs
    assert any(h["val_loss"] != b["val_loss"] for h, b in zip(found.history, found.per_batch))  # short last batches
    assert any(h["val_accuracy"] != b["val_accuracy"] for h, b in zip(found.history, found.per_batch))


def test_the_probe_counts_batches_by_loader_mode_and_autograd() -> None:
    scenario = checks.SCENARIOS[0]
    model = scenario.model()
    train, val = scenario.loaders()
    model(train[0][0])
    model.eval()
    with torch.no_grad():
        model(val[0][0])
    model(val[1][0])
    assert model.passes[0, 0, 1] == 1 and model.passes[1, 1, 0] == 1 and model.passes[1, 1, 1] == 1
    assert model.passes.sum() == 3
    assert copy.deepcopy(model).passes.sum() == 3
