"""cnn-mnist: the networks and their sizes, the shift augmentation, train() vs eval() computed, the results'
helpers, training, the other lessons' models, and a full --quick run on tiny IDX files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from click.testing import CliRunner
from mnist_fixtures import tiny_mnist  # noqa: F401  (a fixture)

import nnlessons_cnn_mnist
from nnlessons.cli import cli
from nnlessons.mnist import load_mnist
from nnlessons_cnn_mnist.augment import random_shifts, shift_images
from nnlessons_cnn_mnist.comparison import ImagesAsRows, contender_model, contenders
from nnlessons_cnn_mnist.lesson import EXACT, both_signs, lesson_claims, relative_change, split_sizes
from nnlessons_cnn_mnist.models import (
    build,
    lenet_parameters_by_formula,
    parameter_count,
    receptive_fields,
    small_cnn_parameters_by_formula,
)
from nnlessons_cnn_mnist.modes import batch_norm_numbers, dropout_numbers, mode_accuracy
from nnlessons_cnn_mnist.recipes import Recipe, cnn_recipe
from nnlessons_cnn_mnist.results import confusion_matrix, misclassified, most_confused_pairs, tie_groups
from nnlessons_cnn_mnist.training import DigitData, background, fit, logits_of, make_schedule, schedule_trace
from nnlessons_cnn_mnist.without_data import channel_mismatch_message

PNGS = {"lenet_shapes.png", "augmented_digits.png", "training.png", "confusion_matrix.png", "misclassified_digits.png",
        "first_layer_lenet.png", "first_layer_cnn.png", "comparison.png"}
CPU = torch.device("cpu")


@pytest.fixture(autouse=True)
def one_thread(one_cpu_thread):
    """The lesson's own setting (cpu_threads=1)."""


def tiny_data(root: Path) -> tuple[DigitData, DigitData]:
    splits = [load_mnist(root, train=train, download=False).to_device(CPU) for train in (True, False)]
    return tuple(DigitData(images.unsqueeze(1), labels) for images, labels in splits)


# ---- the networks ---------------------------------------------------------------------------------


def test_lenet_has_the_shapes_the_note_gets_wrong_and_its_parameter_formula() -> None:
    lenet = build("lenet", 0)
    x = torch.zeros(2, 1, 28, 28)
    pooled = lenet[:6](x)  # conv1, relu1, pool1, conv2, relu2, pool2
    assert pooled.shape == (2, 16, 5, 5)  # note 003 says 6@5x5
    assert lenet(x).shape == (2, 10)
    assert parameter_count(lenet) == sum(n for *_, n in lenet_parameters_by_formula()) == 61_706


def test_small_cnn_shapes_and_parameter_formula() -> None:
    cnn = build("cnn", 0).eval()
    assert cnn(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    assert cnn[:12](torch.zeros(1, 1, 28, 28)).shape == (1, 64, 3, 3)  # after the third pooling
    assert parameter_count(cnn) == sum(n for *_, n in small_cnn_parameters_by_formula()) == 29_178
    assert all(conv.bias is None for conv in (cnn.conv1, cnn.conv2, cnn.conv3))
    assert build("cnn", 0, dropout=0.7).dropout.p == 0.7


def test_build_is_seeded_and_leaves_the_global_generator_alone() -> None:
    torch.manual_seed(5)
    expected = torch.rand(1)
    torch.manual_seed(5)
    a, b, c = build("cnn", 3), build("cnn", 3), build("cnn", 4)
    assert torch.equal(torch.rand(1), expected)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a.conv1.weight, c.conv1.weight)


# ---- augmentation ---------------------------------------------------------------------------------


def shifted_by_slicing(image: torch.Tensor, down: int, right: int, fill: float) -> torch.Tensor:
    """The reference: out[y, x] = image[y - down, x - right], `fill` where that is outside the image."""
    out = torch.full_like(image, fill)
    h, w = image.shape
    out[max(down, 0) : h + min(down, 0), max(right, 0) : w + min(right, 0)] = \
        image[max(-down, 0) : h - max(down, 0), max(-right, 0) : w - max(right, 0)]
    return out


def test_shift_images_moves_each_image_by_its_own_shift() -> None:
    g = torch.Generator().manual_seed(0)
    images = torch.rand(6, 1, 28, 28, generator=g)
    shifts = torch.tensor([[0, 0], [2, 0], [0, -2], [-1, 1], [2, 2], [-2, -2]])
    moved = shift_images(images, shifts, 2, fill=-0.5)
    assert moved.shape == images.shape
    assert torch.equal(moved[0], images[0])
    for k, (down, right) in enumerate(shifts.tolist()):
        assert torch.equal(moved[k, 0], shifted_by_slicing(images[k, 0], down, right, -0.5)), (down, right)
    assert (moved[1, 0, :2] == -0.5).all()  # moved down by 2: the top two rows are new


def test_random_shifts_are_seeded_integers_in_range() -> None:
    shifts = random_shifts(5000, 2, torch.Generator().manual_seed(1), CPU)
    assert shifts.shape == (5000, 2) and shifts.dtype == torch.int64
    assert set(shifts.unique().tolist()) == {-2, -1, 0, 1, 2}
    assert torch.equal(shifts, random_shifts(5000, 2, torch.Generator().manual_seed(1), CPU))


# ---- train() against eval() -----------------------------------------------------------------------


def test_batch_norm_numbers_match_the_formulas_and_leave_the_layer_alone() -> None:
    bn = torch.nn.BatchNorm2d(5)
    x = torch.randn(3, 5, 7, 7, generator=torch.Generator().manual_seed(0)) * 2 + 1
    numbers = batch_norm_numbers(bn, x)
    assert numbers.values_per_channel == 3 * 7 * 7
    assert numbers.train_vs_batch_formula <= EXACT and numbers.eval_vs_running_formula <= EXACT
    assert numbers.running_mean_vs_formula <= EXACT and numbers.running_var_vs_formula <= EXACT
    assert numbers.running_vs_batch_after_many <= EXACT  # the running stats end at the batch mean and unbiased var
    assert numbers.train_vs_eval_after_one_pass > 0.1
    # what is left is the unbiased variance, n / (n - 1) with n = 147: eval() divides by a slightly larger sqrt
    biased, unbiased = x.var((0, 2, 3), unbiased=False), x.var((0, 2, 3), unbiased=True)
    train_out = (x - x.mean((0, 2, 3)).view(1, -1, 1, 1)) / torch.sqrt(biased + bn.eps).view(1, -1, 1, 1)
    left = (train_out * (1 - torch.sqrt((biased + bn.eps) / (unbiased + bn.eps))).view(1, -1, 1, 1)).abs().max().item()
    assert numbers.train_vs_eval_after_many == pytest.approx(left, rel=1e-3)
    assert numbers.mean_std_train[0] == pytest.approx(0, abs=1e-5) and numbers.mean_std_train[1] == pytest.approx(1, abs=0.01)
    assert int(bn.num_batches_tracked) == 0 and torch.equal(bn.running_mean, torch.zeros(5))  # a copy was used


def test_dropout_numbers_drop_a_share_p_and_scale_the_rest() -> None:
    torch.manual_seed(0)
    x = torch.rand(100_000) + 0.5
    numbers = dropout_numbers(0.3, x)
    assert abs(numbers.dropped_fraction - 0.3) < 4 * (0.3 * 0.7 / 100_000) ** 0.5
    assert numbers.kept_vs_scaled <= EXACT and numbers.sum_ratio == pytest.approx(1, abs=0.01)
    assert numbers.eval_is_identity
    nothing = dropout_numbers(0.0, x)
    assert nothing.dropped_fraction == 0 and nothing.sum_ratio == pytest.approx(1)


def test_mode_accuracy_in_eval_does_not_depend_on_the_batch_and_in_train_it_does(tiny_mnist: Path) -> None:
    _, test = tiny_data(tiny_mnist)
    model = build("cnn", 0)
    before = {name: t.clone() for name, t in model.state_dict().items()}
    numbers = mode_accuracy(model, test.images, test.labels, cnn_recipe(batch_size=8), single_images=10)
    assert numbers.single_images == 10
    assert numbers.eval_alone_vs_batch <= 1e-4 < 0.01 < numbers.train_alone_vs_batch
    assert 0 <= numbers.eval_accuracy <= 1 and 0 <= numbers.train_mode_accuracy <= 1
    assert model.training and all(torch.equal(before[n], t) for n, t in model.state_dict().items())


# ---- results ----------------------------------------------------------------------------------------


def test_confusion_matrix_rows_are_true_digits() -> None:
    true = torch.tensor([4, 4, 9, 9, 9, 7])
    predicted = torch.tensor([9, 4, 9, 4, 4, 1])
    confusion = confusion_matrix(predicted, true)
    assert confusion[4, 9] == 1 and confusion[9, 4] == 2 and confusion[9, 9] == 1 and confusion.sum() == 6


def test_most_confused_pairs_largest_first_ties_by_true_then_predicted_no_zeros() -> None:
    confusion = np.zeros((10, 10), dtype=int)
    confusion[np.arange(10), np.arange(10)] = 50  # the diagonal is never a confusion
    confusion[7, 1] = confusion[3, 5] = confusion[3, 2] = 2
    confusion[4, 9] = 6
    assert most_confused_pairs(confusion) == [(4, 9, 6), (3, 2, 2), (3, 5, 2), (7, 1, 2)]
    assert most_confused_pairs(confusion, top=2) == [(4, 9, 6), (3, 2, 2)]
    assert most_confused_pairs(np.diag(np.full(10, 9))) == []


def test_ties_count_every_cell_with_a_shown_count() -> None:
    confusion = np.zeros((10, 10), dtype=int)
    confusion[4, 9] = 6
    confusion[7, 1] = confusion[3, 5] = confusion[3, 2] = confusion[8, 0] = 2
    pairs = most_confused_pairs(confusion, top=3)  # (4, 9, 6), (3, 2, 2), (3, 5, 2): two more cells have 2
    assert tie_groups(confusion, pairs) == {6: 1, 2: 4}


def test_receptive_fields_grow_by_kernel_and_stride() -> None:
    assert receptive_fields(build("cnn", 0)) == [("conv1", 3, 1), ("pool1", 4, 2), ("conv2", 8, 2), ("pool2", 10, 4),
                                                 ("conv3", 18, 4), ("pool3", 22, 8)]
    assert [f for _, f, _ in receptive_fields(build("lenet", 0))] == [5, 6, 14, 16]
    # the definition: a conv3 unit's gradient reaches exactly an 18 x 18 square of the input
    model = build("cnn", 0).eval()
    x = torch.randn(1, 1, 28, 28, requires_grad=True)
    model[:9](x)[0, :, 3, 3].sum().backward()  # conv1 ... conv3, a unit in the middle
    rows, columns = torch.nonzero(x.grad[0, 0]).unbind(1)
    assert (int(rows.max() - rows.min()) + 1, int(columns.max() - columns.min()) + 1) == (18, 18)


def test_relative_change_and_filters_with_both_signs() -> None:
    start = torch.ones(4, 3, 3)
    assert relative_change(start * 1.5, start) == pytest.approx(0.5)
    filters = np.stack([np.ones((3, 3)), -np.ones((3, 3)), np.eye(3) - 0.5])
    assert both_signs(filters) == 1
    random = build("cnn", 0).conv1.weight[:, 0].detach().numpy()
    assert both_signs(random) == 16  # PyTorch's uniform start: every random 3x3 filter has both signs


def test_channel_mismatch_is_pytorchs_own_message_and_split_sizes_fit() -> None:
    message = channel_mismatch_message(CPU)
    assert "expected input[1, 64, 28, 28] to have 1 channels, but got 64 channels instead" in message
    assert split_sizes(300, 100, 60) == (45, 15) and split_sizes(10, 5, 60_000) == (10, 5)
    assert sum(split_sizes(59_000, 2_000, 60_000)) == 60_000


def test_misclassified_are_the_first_wrong_indices() -> None:
    predicted, true = torch.tensor([1, 2, 3, 4, 5, 6]), torch.tensor([1, 0, 3, 0, 0, 6])
    assert misclassified(predicted, true, 2).tolist() == [1, 3]


# ---- training ---------------------------------------------------------------------------------------


class TickingClock:
    """Each reading `tick` seconds after the one before, however fast the machine is."""

    def __init__(self, tick: float) -> None:
        self.now, self.tick = 0.0, tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


def test_fit_learns_the_tiny_digits_reproducibly_and_times_epochs_by_the_clock(tiny_mnist: Path) -> None:
    train, test = tiny_data(tiny_mnist)
    recipe = cnn_recipe(epochs=6, batch_size=16, shift=0)  # the tiny digits' class is a bar's column: shifts blur it

    def once() -> list:
        torch.manual_seed(0)  # dropout draws from the global generator, which the runner seeds before every run
        return fit(build("cnn", 0), recipe, train, test, torch.Generator().manual_seed(2), clock=TickingClock(0.5))

    first, second = once(), once()
    assert [r.batch_losses for r in first] == [r.batch_losses for r in second]
    assert [r.epoch for r in first] == [1, 2, 3, 4, 5, 6] and len(first[0].batch_losses) == 4  # 60 / 16
    assert all(r.seconds == 0.5 for r in first)  # read at each epoch's start and end only
    assert first[-1].val_accuracy >= 0.9 and first[-1].train_loss < first[0].train_loss
    assert build("cnn", 0).conv1.weight.is_contiguous()  # channels-last is the recipe's, set inside fit
    one_epoch = Recipe(lr=1e-3, batch_size=32, epochs=1)
    assert np.isnan(fit(build("cnn", 0), one_epoch, train, None, torch.Generator().manual_seed(2))[0].val_accuracy)


def test_channels_last_gives_the_same_logits_and_the_background_is_standardised() -> None:
    x = torch.rand(5, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    model = build("cnn", 0).eval()
    with torch.no_grad():
        plain = model(x)
        model.to(memory_format=torch.channels_last)
        fast = model(x.contiguous(memory_format=torch.channels_last))
    assert torch.allclose(plain, fast, atol=1e-5)
    assert background(cnn_recipe()) == pytest.approx(-0.1307 / 0.3081) and round(background(cnn_recipe()), 4) == -0.4242


def test_one_cycle_warms_up_then_anneals() -> None:
    optimizer = torch.optim.Adam(torch.nn.Linear(2, 2).parameters(), lr=3e-3)
    schedule = make_schedule(optimizer, cnn_recipe(lr=3e-3), 100)
    rates = []
    for _ in range(100):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule.step()
    assert rates[0] == pytest.approx(3e-3 / 25) and max(rates) == pytest.approx(3e-3, rel=1e-3)
    assert 25 <= int(np.argmax(rates)) <= 35 and rates[-1] < 1e-5
    assert make_schedule(optimizer, Recipe(lr=1e-3, batch_size=8, epochs=1), 10) is None


def test_one_cycle_also_cycles_adams_beta1() -> None:
    trace = schedule_trace(3e-3, 1000)
    assert trace["lr_peak"] == pytest.approx(3e-3) and trace["lr_start"] == pytest.approx(3e-3 / 25)
    assert (trace["beta1_start"], trace["beta1_at_peak"], trace["beta1_end"]) == pytest.approx((0.95, 0.85, 0.95))


def test_logits_of_uses_eval_mode_and_restores_the_mode(tiny_mnist: Path) -> None:
    _, test = tiny_data(tiny_mnist)
    model = build("cnn", 0)
    logits = logits_of(model, test.images, cnn_recipe(), chunk=7)
    assert model.training  # put back as it was
    model.eval()
    with torch.no_grad():
        assert torch.allclose(logits, model((test.images - 0.1307) / 0.3081), atol=1e-5)


# ---- the other lessons' models ---------------------------------------------------------------------


def test_contenders_are_the_other_lessons_defaults() -> None:
    mlp, lstm = contenders(quick=False)
    assert (mlp.lesson, mlp.recipe.epochs, mlp.recipe.lr, mlp.recipe.batch_size, mlp.recipe.standardize) == \
           ("mnist-mlp", 5, 1e-3, 64, False)
    assert (lstm.lesson, lstm.recipe.lr, lstm.recipe.clip, lstm.recipe.standardize) == ("lstm-mnist", 3e-3, 1.0, True)
    assert not mlp.recipe.one_cycle and not lstm.recipe.one_cycle and mlp.recipe.shift == lstm.recipe.shift == 0
    quick_mlp, _ = contenders(quick=True)
    assert quick_mlp.recipe.epochs == 1  # mnist-mlp's own --quick value
    assert parameter_count(contender_model(mlp, 0, CPU)) == 203_530
    assert parameter_count(contender_model(lstm, 0, CPU)) == 53_010


def test_images_as_rows_feeds_the_lstm_its_rows() -> None:
    from nnlessons_lstm_mnist.model import RowLSTM

    lstm = RowLSTM()
    images = torch.randn(3, 1, 28, 28)
    assert torch.equal(ImagesAsRows(lstm)(images), lstm(images[:, 0]))


# ---- the claims ---------------------------------------------------------------------------------------


def holding_metrics() -> dict:
    return {"lenet_pool2_channels": 16, "lenet_parameters": 61_706, "lenet_parameters_formula": 61_706,
            "cnn_parameters": 29_178, "cnn_parameters_formula": 29_178, "bn_train_vs_formula_max_abs_diff": 4e-7,
            "bn_running_mean_vs_formula_max_abs_diff": 0.0, "bn_running_var_vs_formula_max_abs_diff": 1e-9,
            "bn_eval_vs_formula_max_abs_diff": 4e-7, "bn_running_vs_batch_after_many_passes": 1e-7,
            "bn_train_vs_eval_after_one_pass": 4.7,
            "dropout_kept_vs_scaled_max_rel_diff": 1e-7, "dropout_p": 0.3, "dropout_values": 50_000,
            "dropout_dropped_fraction": 0.301, "dropout_eval_is_identity": 1, "eval_alone_vs_batch_max_abs_diff": 4e-6,
            "cnn_test_accuracy": 0.98, "standardised_background": -0.4242, "channel_mismatch_names_64_channels": 1,
            "unbatched_conv1_shape": [6, 28, 28], "schedule_beta1_start": 0.95, "schedule_beta1_at_peak": 0.85,
            "cnn_untrained_filters_with_both_signs": 16,
            "cnn_relative_change_by_layer": {"conv1": 0.26, "conv2": 0.5, "conv3": 0.7},
            "lenet_loss_gap": 0.05, "cnn_loss_gap": 0.01}


def test_every_claim_holds_on_good_numbers_and_each_fails_on_a_bad_one() -> None:
    assert all(ok for *_, ok in lesson_claims(holding_metrics()))
    for key, bad in (("lenet_pool2_channels", 6), ("bn_train_vs_formula_max_abs_diff", 1e-3),
                     ("bn_train_vs_eval_after_one_pass", 0.0), ("dropout_dropped_fraction", 0.7),
                     ("dropout_eval_is_identity", 0), ("eval_alone_vs_batch_max_abs_diff", 0.1),
                     ("bn_running_vs_batch_after_many_passes", 0.01), ("cnn_test_accuracy", 0.1),
                     ("standardised_background", 0.0), ("channel_mismatch_names_64_channels", 0),
                     ("unbatched_conv1_shape", [64, 28, 28]), ("schedule_beta1_at_peak", 0.95),
                     ("cnn_untrained_filters_with_both_signs", 0)):
        claims = lesson_claims({**holding_metrics(), key: bad})
        assert sum(not ok for *_, ok in claims) == 1, key


# ---- the lesson through the CLI --------------------------------------------------------------------


def test_quick_run_on_tiny_files_shows_everything(run_lesson, tiny_mnist: Path) -> None:
    run = run_lesson("cnn-mnist", "--data-dir", str(tiny_mnist), "--no-download")
    m = run.metrics
    assert run.status == "ok" and run["threads"] == 1  # LessonInfo.cpu_threads
    # asked 300, 100 and 200 under --quick: the 60 tiny training images are cut 45 | 15
    assert (run.params["train_images"], run.params["val_images"], run.params["test_images"]) == (45, 15, 30)
    assert run["params_adjusted"]["train_images"]["asked"] == 300
    assert m["claims_holding"] == m["claims_total"] == len(lesson_claims(m))
    assert (m["n_train"], m["n_val"], m["n_test"], m["lenet_parameters"], m["cnn_parameters"]) == (45, 15, 30, 61_706, 29_178)
    assert set(m["cnn_val_accuracy_by_epoch"]) == {"1", "2"}
    assert round(m["standardised_background"], 4) == -0.4242 and "but got 64 channels" in run.output
    assert (m["schedule_beta1_start"], m["schedule_beta1_at_peak"]) == pytest.approx((0.95, 0.85))
    for key in ("lenet", "cnn"):  # the gap table: validation minus train loss, both in eval() on every image
        assert m[f"{key}_loss_gap"] == pytest.approx(m[f"{key}_val_loss"] - m[f"{key}_train_loss"])
        changes = m[f"{key}_relative_change_by_layer"]
        assert m[f"{key}_first_layer_relative_change"] == changes["conv1"] > 0
        assert m[f"{key}_untrained_filters_with_both_signs"] == m[f"{key}_filters"]
    assert m["cnn_receptive_field"]["conv3"] == 18 and m["lenet_receptive_field"]["conv2"] == 14
    assert m["larger_gap"] == ("lenet" if m["lenet_loss_gap"] > m["cnn_loss_gap"] else "cnn")
    for key in ("lenet", "cnn"):  # every shown count says how many cells share it
        assert set(m[f"{key}_most_confused_ties"]) == {str(n) for n in m[f"{key}_most_confused"].values()}
    assert "recipe" in m["comparison"]["cnn"] and m["comparison"]["cnn"]["recipe"] != m["comparison"]["mnist-mlp"]["recipe"]
    assert m["cnn_test_errors"] == round((1 - m["cnn_test_accuracy"]) * 30)
    assert sum(m["cnn_most_confused"].values()) <= m["cnn_test_errors"]
    assert set(m["comparison"]) == {"lenet", "cnn", "mnist-mlp", "lstm-mnist"}
    assert m["comparison"]["mnist-mlp"]["parameters"] == 203_530 and m["comparison"]["lstm-mnist"]["epochs"] == 4
    assert set(run.timings) == {"lenet_seconds_by_epoch", "cnn_seconds_by_epoch", "mnist-mlp_seconds_by_epoch",
                                "lstm-mnist_seconds_by_epoch"}
    assert not any("seconds" in key for key in m)  # measured times are timings, never metrics
    assert PNGS <= {p.name for p in run.artifacts}
    assert all(p.stat().st_size > 5_000 for p in run.artifacts if p.suffix == ".png")
    assert "16@5x5" in run.output and "read as" in run.output


def test_no_compare_trains_only_the_two_cnns(run_lesson, tiny_mnist: Path) -> None:
    run = run_lesson("cnn-mnist", "--data-dir", str(tiny_mnist), "--no-download", "--no-compare", "--epochs", "1",
                     "--shift", "0", "--dropout", "0")
    assert set(run.metrics["comparison"]) == {"lenet", "cnn"}
    assert set(run.timings) == {"lenet_seconds_by_epoch", "cnn_seconds_by_epoch"}
    assert run.metrics["dropout_dropped_fraction"] == 0 and "augmented_digits.png" not in {p.name for p in run.artifacts}
    assert run.metrics["claims_holding"] == run.metrics["claims_total"]


def test_listed_with_its_options_and_no_torch_at_import() -> None:
    result = CliRunner().invoke(cli, ["list", "--json"])
    lesson = next(entry for entry in json.loads(result.output) if entry["id"] == "cnn-mnist")
    assert not lesson["broken"] and lesson["needs_download"]
    assert {"--data-dir", "--train-images", "--test-images", "--epochs", "--batch-size", "--lr", "--dropout", "--shift",
            "--compare"} <= {option["flag"] for option in lesson["options"]}
    code = "import sys, nnlessons_cnn_mnist; print(sorted({'torch', 'numpy', 'matplotlib'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_the_page_corrects_note_003_and_states_its_tolerances() -> None:
    page = " ".join(nnlessons_cnn_mnist.__doc__.split())
    assert "16@5x5" in page and "6@5x5" in page and "## Where the notes are wrong" in nnlessons_cnn_mnist.__doc__
    assert "modern variant" in page and "```math" in nnlessons_cnn_mnist.__doc__
    assert "typically" not in page  # observations come from the run, never from the page
    assert "PyTorch 1.11" in page and "PyTorch 2 " not in page  # unbatched (C, H, W) input, since 1.11
    assert "cycle_momentum" in page and "validation" in page and "measured once" in page
    assert "look for nothing" not in page and "looking for nothing" not in page
