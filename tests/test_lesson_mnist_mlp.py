"""Tests of the mnist-mlp lesson: its functions against PyTorch, and whole runs on tiny IDX files."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from click.testing import CliRunner
from mnist_fixtures import write_tiny_mnist
from PIL import Image
from rich.console import Console
from torch import nn

from nnlessons.cli import cli
from nnlessons.drawn_digit import draw_digits
from nnlessons.run_context import Params, ProgressTask, RunContext
from nnlessons_mnist_mlp import folder, route_timing
from nnlessons_mnist_mlp.lesson import comparison_sentence, digits_to_show, fitted_sizes, lesson_claims
from nnlessons_mnist_mlp.model import (
    MnistMLP,
    SoftmaxThenCrossEntropyNet,
    confident_wrong_gradients,
    detached_weights,
    mlp_functional,
    softmax_pitfall_loss_floor,
)
from nnlessons_mnist_mlp.training import TensorData, evaluate, train, training_step
from nnlessons_mnist_mlp.without_data import (
    FLATTEN_FIGURE,
    TEMPLATE_FIGURE,
    drawn_digits,
    flatten_checks,
    show_templates,
    steps_before_data,
)

CPU = torch.device("cpu")
TIMINGS = {"imagefolder_us_per_image", "tensor_index_us_per_image", "imagefolder_over_tensor_ratio"}


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny MNIST in torchvision's raw layout: 200 training images (enough for a batch of 64 PNGs), 60 test."""
    return write_tiny_mnist(tmp_path_factory.mktemp("mnist") / "data", n_train=200, n_test=60)


def data_args(root: Path) -> list[str]:
    return ["--data-dir", str(root), "--no-download"]


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli, ["run", "mnist-mlp", "--device", "cpu", "--quick", *args])


# ---- the network ------------------------------------------------------------------------------


def test_module_and_functional_match_explicit_matrix_products() -> None:
    torch.manual_seed(1)
    model = MnistMLP(hidden=32)
    images = torch.rand(5, 28, 28)
    w1, b1, w2, b2 = detached_weights(model)
    by_hand = torch.relu(images.reshape(5, 784) @ w1.T + b1) @ w2.T + b2  # (5, 10)
    assert model(images).shape == (5, 10)
    torch.testing.assert_close(model(images), by_hand)
    torch.testing.assert_close(mlp_functional(images, w1, b1, w2, b2), by_hand)


def test_detached_weights_are_independent_copies() -> None:
    model = MnistMLP(hidden=8)
    weights = detached_weights(model)
    assert all(w.is_leaf and w.requires_grad for w in weights)
    weights[0].data.zero_()
    assert model.hidden.weight.abs().sum() > 0  # the module's weight is untouched


def test_pitfall_net_outputs_probabilities_of_the_same_mlp() -> None:
    torch.manual_seed(2)
    mlp = MnistMLP(hidden=16)
    images = torch.rand(4, 28, 28)
    probabilities = SoftmaxThenCrossEntropyNet(mlp)(images)
    torch.testing.assert_close(probabilities, torch.softmax(mlp(images), dim=1))
    torch.testing.assert_close(probabilities.sum(dim=1), torch.ones(4))


def test_softmax_pitfall_floor_is_the_minimum_over_probability_vectors() -> None:
    floor = softmax_pitfall_loss_floor(CPU)
    assert floor == pytest.approx(-1 + math.log(math.e + 9), abs=1e-6)
    assert floor == pytest.approx(1.461150, abs=1e-6)
    torch.manual_seed(0)
    probabilities = torch.distributions.Dirichlet(torch.full((10,), 0.05)).sample((2000,))  # (2000, 10), mostly peaked
    labels = torch.randint(0, 10, (2000,))
    losses = F.cross_entropy(probabilities, labels, reduction="none")
    assert losses.min().item() >= floor - 1e-6
    assert F.cross_entropy(torch.eye(10), torch.arange(10)).item() == pytest.approx(floor, abs=1e-6)


def test_a_confidently_wrong_digit_gets_almost_no_gradient_through_the_second_softmax() -> None:
    wrong = confident_wrong_gradients(CPU)
    z = torch.zeros(10)
    z[1] = 10.0
    p = torch.softmax(z, dim=0)
    assert wrong["wrong_probability"] == pytest.approx(p[1].item())
    # logits: softmax(z) - onehot(0), by hand
    assert wrong["grad_norm_logits"] == pytest.approx((p - torch.eye(10)[0]).norm().item(), rel=1e-5)
    assert wrong["grad_norm_logits"] == pytest.approx(math.sqrt(2), abs=1e-3)
    # softmax -> loss: the loss's gradient on p, times the softmax's Jacobian diag(p) - p p^T
    g_p = torch.softmax(p, dim=0) - torch.eye(10)[0]
    by_hand = (torch.diag(p) - torch.outer(p, p)) @ g_p
    assert wrong["grad_norm_softmax_pitfall"] == pytest.approx(by_hand.norm().item(), rel=1e-3)
    assert wrong["grad_norm_softmax_pitfall"] < 1e-3 * wrong["grad_norm_logits"]


# ---- steps 1-3, before any data: the drawn digits ---------------------------------------------


def before_data_context(tmp_path: Path, hidden: int = 256, normalize: bool = False) -> tuple[RunContext, io.StringIO]:
    text = io.StringIO()
    ctx = RunContext(lesson_id="mnist-mlp", device=CPU, seed=0, out_dir=tmp_path,
                     params=Params({"hidden": hidden, "normalize": normalize}), console=Console(file=text, width=120))
    return ctx, text


def test_drawn_digits_come_with_their_labels() -> None:
    digits = drawn_digits(CPU, normalize=False)
    assert digits.images.shape == (4, 28, 28) and torch.equal(digits.images, draw_digits())
    assert digits.labels.tolist() == [0, 1, 3, 7] and digits.labels.dtype == torch.long
    standardised = drawn_digits(CPU, normalize=True).images
    torch.testing.assert_close(standardised, (draw_digits() - 0.1307) / 0.3081)


class ColumnsFirst(nn.Module):
    """A wrong flatten, to see that the check can fail: it reads the image column by column."""

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return images.transpose(-1, -2).reshape(len(images), -1)  # (B, [1,] 28, 28) -> (B, 784)


def test_flatten_puts_pixel_r_c_at_28r_plus_c() -> None:
    images = torch.rand(3, 28, 28)
    checks = flatten_checks(MnistMLP(hidden=8), images)
    assert checks == {"flatten_vs_reshape_max_abs_diff": 0.0, "flatten_with_channel_max_abs_diff": 0.0,
                      "flatten_position_mismatches": 0}
    flat = MnistMLP(hidden=8).flatten(images)  # (3, 784)
    assert torch.equal(flat[:, 28 * 5 : 28 * 6], images[:, 5])  # row 5 is positions 140..167
    column_major = MnistMLP(hidden=8)
    column_major.flatten = ColumnsFirst()
    wrong = flatten_checks(column_major, images)
    assert wrong["flatten_position_mismatches"] > 3 * 700 and wrong["flatten_vs_reshape_max_abs_diff"] > 0.5


def test_a_hidden_unit_is_its_template_times_the_image_summed(tmp_path: Path) -> None:
    ctx, text = before_data_context(tmp_path, hidden=3)
    torch.manual_seed(6)
    model = MnistMLP(hidden=3)
    metrics = show_templates(ctx, model, drawn_digits(CPU, normalize=False))
    assert metrics["template_vs_linear_max_abs_diff"] <= 1e-6
    seven = draw_digits()[3]  # (28, 28)
    unit_2 = (model.hidden.weight[2].view(28, 28) * seven).sum() + model.hidden.bias[2]
    assert unit_2.item() == pytest.approx(model.hidden(seven.reshape(1, 784))[0, 2].item(), abs=1e-6)
    assert f"{unit_2.item():.6g}" in text.getvalue()  # the table prints the template sum of each unit
    assert (tmp_path / TEMPLATE_FIGURE).stat().st_size > 20_000


def test_steps_before_data_numbers(tmp_path: Path) -> None:
    ctx, text = before_data_context(tmp_path)
    torch.manual_seed(0)
    metrics = steps_before_data(ctx, MnistMLP(hidden=256))
    assert metrics["parameters"] == metrics["parameters_by_formula"] == 784 * 256 + 256 + 256 * 10 + 10 == 203_530
    assert metrics["flatten_position_mismatches"] == 0 and metrics["flatten_vs_reshape_max_abs_diff"] == 0
    assert metrics["template_vs_linear_max_abs_diff"] <= 1e-6
    assert metrics["functional_vs_module_max_abs_diff"] <= 1e-6 and metrics["functional_vs_module_grad_max_abs_diff"] <= 1e-6
    assert metrics["cross_entropy_vs_nll_log_softmax_max_abs_diff"] <= 1e-6
    assert metrics["cross_entropy_vs_by_hand_max_abs_diff"] <= 1e-5
    output = text.getvalue()
    assert "[4, 28, 28] -> [4, 784]" in output and "203,530" in output and "softmax(logits)[label]" in output
    assert ctx.artifacts == [tmp_path / FLATTEN_FIGURE, tmp_path / TEMPLATE_FIGURE]


# ---- training and evaluation ------------------------------------------------------------------


def test_training_step_is_one_adam_update_and_leaves_no_gradients() -> None:
    torch.manual_seed(3)
    model, reference = MnistMLP(hidden=16), MnistMLP(hidden=16)
    reference.load_state_dict(model.state_dict())
    images, labels = torch.rand(8, 28, 28), torch.randint(0, 10, (8,))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss = training_step(model, F.cross_entropy, optimizer, images, labels)

    reference_optimizer = torch.optim.Adam(reference.parameters(), lr=0.01)
    reference_loss = F.cross_entropy(reference(images), labels)
    reference_loss.backward()
    reference_optimizer.step()
    assert loss.item() == pytest.approx(reference_loss.item())
    assert not loss.requires_grad
    for p, q in zip(model.parameters(), reference.parameters()):
        torch.testing.assert_close(p, q)
        assert p.grad is None or p.grad.abs().max() == 0  # step 5 zeroed them


def test_evaluate_matches_cross_entropy_and_accuracy_over_all_images() -> None:
    torch.manual_seed(4)
    model = MnistMLP(hidden=16)
    data = TensorData(torch.rand(23, 28, 28), torch.randint(0, 10, (23,)))
    loss, accuracy = evaluate(model, data, F.cross_entropy, chunk=5)  # chunks of 5 with a short last one
    logits = model(data.images)
    assert loss == pytest.approx(F.cross_entropy(logits, data.labels).item(), rel=1e-5)
    assert accuracy == pytest.approx((logits.argmax(1) == data.labels).float().mean().item())
    assert model.training  # evaluate puts the model back in training mode


def test_train_learns_the_tiny_digits_and_records_every_step(data_root: Path) -> None:
    from nnlessons.mnist import load_mnist

    torch.manual_seed(0)
    train_data = TensorData(*load_mnist(data_root, train=True, download=False).to_device(CPU))
    val_data = TensorData(*load_mnist(data_root, train=False, download=False).to_device(CPU))  # held-out digits
    history = train(MnistMLP(hidden=32), F.cross_entropy, train_data, val_data, epochs=4, batch_size=50,
                    lr=3e-3, generator=torch.Generator().manual_seed(0), bar=ProgressTask(None, None))
    assert history.steps_per_epoch == 4
    assert len(history.step_losses) == 16 and len(history.val_accuracies) == 4
    assert history.val_accuracies[-1] >= 0.9  # chance is 0.1
    assert history.val_losses[-1] < history.val_losses[0]


def test_plain_sgd_steps_by_lr_times_the_gradient_and_stops_after_max_steps(data_root: Path) -> None:
    from nnlessons.mnist import load_mnist

    data = TensorData(*load_mnist(data_root, train=True, download=False).to_device(CPU))
    torch.manual_seed(0)
    model = MnistMLP(hidden=8)
    before = [p.detach().clone() for p in model.parameters()]
    grads = torch.autograd.grad(F.cross_entropy(model(data.images[:200]), data.labels[:200]), list(model.parameters()))
    history = train(model, F.cross_entropy, data, data, epochs=3, batch_size=200, lr=0.1,
                    generator=torch.Generator().manual_seed(0), bar=ProgressTask(None, None), optimizer="sgd",
                    max_steps=1)  # one batch of all 200 images: the order does not matter
    assert len(history.step_losses) == 1 and len(history.val_accuracies) == 1  # stopped, measured once
    for p, b, g in zip(model.parameters(), before, grads):
        torch.testing.assert_close(p.detach(), b - 0.1 * g)


# ---- the image folder -------------------------------------------------------------------------


def test_first_images_per_class_takes_the_first_of_each_digit() -> None:
    labels = torch.tensor([3, 1, 3, 3, 0, 1])
    picked = folder.first_images_per_class(labels, per_class=2)
    assert picked.tolist() == [4, 1, 5, 0, 2]


def test_digit_tree_round_trip_is_exact(tmp_path: Path) -> None:
    generator = torch.Generator().manual_seed(5)
    images = torch.randint(0, 256, (30, 28, 28), dtype=torch.uint8, generator=generator)
    labels = torch.arange(30) % 10
    indices = folder.first_images_per_class(labels, per_class=3)
    folder.write_digit_tree(tmp_path / "digits", images, labels, indices)
    digits = folder.read_digit_tree(tmp_path / "digits")
    read_images, read_labels = folder.read_all(digits, CPU)
    assert read_images.shape == (30, 1, 28, 28)
    assert digits.dataset.class_to_idx == {str(d): d for d in range(10)}
    torch.testing.assert_close(read_images[:, 0], images[digits.source_indices].float() / 255, rtol=0, atol=0)
    assert torch.equal(read_labels, labels[digits.source_indices])
    assert folder.read_digit_tree(tmp_path / "digits", grayscale=False).dataset[0][0].shape == (3, 28, 28)


def test_the_tree_is_never_written_over_files_it_did_not_make(tmp_path: Path) -> None:
    users_png = tmp_path / "3" / "00003.png"
    users_png.parent.mkdir()
    users_png.write_bytes(b"my own drawing")
    labels = torch.arange(10)
    with pytest.raises(FileExistsError):
        folder.write_digit_tree(tmp_path, torch.zeros(10, 28, 28, dtype=torch.uint8), labels, labels)
    assert users_png.read_bytes() == b"my own drawing"
    assert [p.name for p in tmp_path.rglob("*")] == ["3", "00003.png"]


def test_each_png_is_written_under_a_temporary_name_and_renamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    renamed = []
    real_replace = folder.atomic_files.os.replace
    monkeypatch.setattr(folder.atomic_files.os, "replace", lambda a, b: (renamed.append(Path(b)), real_replace(a, b)))
    labels = torch.arange(10)
    written = folder.write_digit_tree(tmp_path / "digits", torch.zeros(10, 28, 28, dtype=torch.uint8), labels, labels)
    assert renamed == written and all(Image.open(path).format == "PNG" for path in written)
    assert not list((tmp_path / "digits").glob("*/.*"))  # no temporary file left behind


def test_digits_to_show_are_the_first_then_the_least_confident() -> None:
    probabilities = torch.full((12, 10), 0.1)
    probabilities[:, 0] = torch.linspace(0.9, 0.2, 12)  # later rows are less sure
    probabilities[2, 0] = 0.05  # among the first five, must not be picked twice
    shown, notes = digits_to_show(probabilities)
    assert shown.tolist() == [0, 1, 2, 3, 4, 11, 10, 9]
    assert notes[5] == "test #11 (unsure)"


def test_best_seconds_is_the_fastest_repeat_after_an_untimed_warm_up() -> None:
    readings = iter([0.0, 3.0, 10.0, 11.0, 20.0, 22.0])  # start and end of three runs: 3, 1 and 2 seconds
    calls = []
    assert route_timing.best_seconds(lambda: calls.append(1), lambda: next(readings), repeats=3) == 1.0
    assert len(calls) == 4  # the warm-up, then three timed runs


def test_both_routes_are_timed_on_one_thread_over_many_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fake clock that advances 1 s per reading: each timed run lasts 1 s, so the per-image times are pure arithmetic."""
    threads_seen, passes_seen = [], []
    monkeypatch.setattr(route_timing, "read_folder_batches", lambda digits, device: threads_seen.append(torch.get_num_threads()))

    def index_batches(images: torch.Tensor, sources: torch.Tensor, passes: int) -> None:
        threads_seen.append(torch.get_num_threads())
        passes_seen.append(passes)

    monkeypatch.setattr(route_timing, "index_batches", index_batches)
    digits = folder.DigitFolder(dataset=None, source_indices=torch.arange(80))
    clock = iter(range(1000)).__next__
    threads_before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        timing = route_timing.time_both_routes(digits, torch.zeros(100, 28, 28), clock)
        assert torch.get_num_threads() == 2  # restored afterwards
    finally:
        torch.set_num_threads(threads_before)
    assert threads_seen == [1] * 2 * (1 + route_timing.REPEATS)  # warm-up + timed runs of each route, all on one thread
    assert set(passes_seen) == {route_timing.TENSOR_PASSES}
    assert timing["imagefolder_us_per_image"] == pytest.approx(1e6 / 80)
    assert timing["tensor_index_us_per_image"] == pytest.approx(1e6 / (80 * route_timing.TENSOR_PASSES))
    assert timing["imagefolder_over_tensor_ratio"] == pytest.approx(route_timing.TENSOR_PASSES)


def test_index_batches_slices_every_image_in_batches_of_64() -> None:
    seen = []

    class Recording(torch.Tensor):
        def __getitem__(self, index):  # noqa: ANN001, ANN204
            seen.append(len(index))
            return super().__getitem__(index)

    images = torch.zeros(200, 28, 28).as_subclass(Recording)
    route_timing.index_batches(images, torch.arange(150), passes=2)
    assert seen == [64, 64, 22] * 2


@pytest.mark.parametrize(("folder_us", "tensor_us", "says"), [
    (150.0, 0.5, "ImageFolder took 300 times as long"),
    (150.0, 100.0, "within a factor of 2"),
    (100.0, 150.0, "within a factor of 2"),
    (158.9, 159.9, "within a factor of 2"),  # the busy machine of issue 12: no ordering claimed
    (10.0, 40.0, "indexing the tensor was 4.0 times slower"),
])
def test_the_timing_sentence_only_claims_what_the_numbers_show(folder_us: float, tensor_us: float, says: str) -> None:
    assert says in route_timing.timing_verdict(folder_us, tensor_us)


def test_the_page_states_the_timing_method_and_the_size_of_mnist_as_computed() -> None:
    import nnlessons_mnist_mlp

    page = " ".join(nnlessons_mnist_mlp.__doc__.split())
    assert f"best of {route_timing.REPEATS} timed runs" in page
    assert f"over {route_timing.TENSOR_PASSES} passes per run" in page
    train_mb, test_mb = 60_000 * 28 * 28 / 1e6, 10_000 * 28 * 28 / 1e6  # one byte per pixel
    assert f"take {train_mb + test_mb:.0f} MB as bytes ({train_mb:.0f} MB for the 60,000 training images, " \
           f"{test_mb:.1f} MB for the 10,000 test images" in page
    assert "47 MB as bytes, so it fits" not in page  # the training images alone are not MNIST


# ---- whole runs -------------------------------------------------------------------------------


def test_quick_run_backs_every_claim(run_lesson, data_root: Path) -> None:
    record = run_lesson("mnist-mlp", *data_args(data_root), "--epochs", "8")
    m = record["metrics"]
    assert record["params"]["epochs"] == 8
    assert record["threads"] == 1  # LessonInfo.cpu_threads: two threads collapse beside a busy core
    # fewer on disk than asked (1,000 + 500 of 200): training and validation share them as asked, 2 to 1
    assert (m["train_images"], m["val_images"], m["test_images"]) == (134, 66, 60)
    assert [record["params"][k] for k in ("train_images", "val_images", "test_images")] == [134, 66, 60]  # recorded
    assert m["train_val_overlap"] == 0
    assert m["images_megabytes"] == pytest.approx((200 + 60) * 784 / 1e6)
    assert m["imagefolder_files"] == 70
    assert m["imagefolder_batch_shape"] == {"batch": 64, "channels": 1, "height": 28, "width": 28}
    assert m["imagefolder_channels_without_grayscale"] == 3
    assert m["imagefolder_pixel_max_abs_diff"] == 0 and m["imagefolder_label_mismatches"] == 0
    assert set(record["timings"]) == TIMINGS and not TIMINGS & set(m)  # measured times are not metrics
    assert m["parameters"] == m["parameters_by_formula"] == 784 * 256 + 256 + 256 * 10 + 10
    assert m["functional_vs_module_max_abs_diff"] <= 1e-6
    assert m["functional_vs_module_grad_max_abs_diff"] <= 1e-6
    assert m["cross_entropy_vs_nll_log_softmax_max_abs_diff"] <= 1e-6
    assert m["cross_entropy_vs_by_hand_max_abs_diff"] <= 1e-5
    assert m["softmax_pitfall_loss_floor"] == pytest.approx(-1 + math.log(math.e + 9), abs=1e-6)
    assert m["softmax_pitfall_min_batch_loss"] >= m["softmax_pitfall_loss_floor"]
    assert m["softmax_sum_max_abs_diff"] <= 1e-6 and m["softmax_argmax_mismatches"] == 0
    assert m["test_accuracy"] >= 0.8 > 0.1 == m["chance_accuracy"] and m["val_accuracy"] >= 0.8
    assert m["start_gradient_norm_softmax_pitfall"] < 0.2 * m["start_gradient_norm_logits"]  # about tenfold smaller
    # the damage, where it exists: a confident mistake gets almost no gradient; SGD's step shrinks with the
    # gradient, Adam's does not
    assert m["confident_wrong_grad_norm_softmax_pitfall"] < 1e-3 * m["confident_wrong_grad_norm_logits"]
    assert m["sgd_first_step_logits"] / m["sgd_first_step_softmax_pitfall"] == pytest.approx(
        m["start_gradient_norm_logits"] / m["start_gradient_norm_softmax_pitfall"], rel=1e-4)
    assert m["adam_first_step_logits"] / m["adam_first_step_softmax_pitfall"] == pytest.approx(1, abs=0.05)
    assert m["sgd_steps"] == 3  # 134 images in batches of 64: one epoch, fewer than 300 steps
    assert m["sgd_min_batch_loss_softmax_pitfall"] >= m["softmax_pitfall_loss_floor"]
    text = " ".join(record.output.split())
    for optimizer, budget, logits, pitfall in (
            ("Adam", "one epoch", m["epoch1_val_accuracy"], m["softmax_pitfall_val_accuracy"]),
            ("Plain SGD", "3 steps", m["sgd_val_accuracy_logits"], m["sgd_val_accuracy_softmax_pitfall"])):
        assert comparison_sentence(optimizer, budget, logits, pitfall) in text  # the run's own numbers
    assert "nothing above was chosen or compared on the test digits" in text
    assert m["flatten_position_mismatches"] == 0 and m["flatten_vs_reshape_max_abs_diff"] == 0
    assert m["flatten_with_channel_max_abs_diff"] == 0 and m["template_vs_linear_max_abs_diff"] <= 1e-6
    assert m["claims_holding"] == m["claims_total"] == 17
    broken = dict(m, softmax_argmax_mismatches=1, imagefolder_pixel_max_abs_diff=1 / 255)
    assert [claim for claim, *_, holds in lesson_claims(broken) if not holds] == [
        "ImageFolder pixels == MNIST bytes / 255", "argmax(softmax) == argmax(logits) (mismatches)"]
    out = record.out_dir
    for name in ("flattened_digit.png", "hidden_unit_templates.png", "loss.png", "probabilities.png", "folder_batch.png"):
        assert name in record["artifacts"] and (out / name).stat().st_size > 10_000
    assert not (out / "digits").exists() and not list(out.rglob("*/*.png"))  # the tree was the run's scratch


def test_the_digit_tree_lives_in_a_scratch_folder_removed_after_the_run(
    run_lesson, data_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trees = []
    real_read = folder.read_digit_tree

    def read_and_look(root: Path, grayscale: bool = True) -> folder.DigitFolder:
        pngs = sorted(root.glob("*/*.png"))
        trees.append((root, len(pngs), Image.open(pngs[0]).size, Image.open(pngs[0]).mode))
        return real_read(root, grayscale)

    monkeypatch.setattr(folder, "read_digit_tree", read_and_look)
    record = run_lesson("mnist-mlp", *data_args(data_root))
    root, count, size, mode = trees[0]
    assert (count, size, mode) == (70, (28, 28), "L")
    assert record.out_dir.resolve() not in root.resolve().parents
    assert not root.exists() and not root.parent.exists()  # removed when the run ended
    assert not any(path.startswith("digits") for path in record["artifacts"])


def test_same_seed_same_numbers_even_in_the_same_folder(run_lesson, data_root: Path) -> None:
    first = run_lesson("mnist-mlp", *data_args(data_root))
    second = run_lesson("mnist-mlp", *data_args(data_root), "--overwrite")  # same --out, replacing the first run
    assert first["metrics"] == second["metrics"]  # exactly: the times are in "timings"


def test_asking_for_more_images_than_the_data_holds_records_and_prints_the_number_used(tmp_path: Path, data_root: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "mnist-mlp", "--device", "cpu", "--quick", "--json", *data_args(data_root),
                                      "--train-images", "54000", "--val-images", "6000", "--test-images", "50",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["params"]["train_images"] == 180 and record["params"]["val_images"] == 20  # 9 to 1, as asked
    assert record["params"]["test_images"] == 50  # 50 of 60: as asked
    reason = "the training data holds 200 images, shared by --train-images and --val-images in the proportion asked"
    assert record["params_adjusted"] == {"train_images": {"asked": 54_000, "used": 180, "reason": reason},
                                         "val_images": {"asked": 6_000, "used": 20, "reason": reason}}
    assert "--train-images 180" in record["command"] and "54000" not in record["command"]
    assert record["metrics"]["train_images"] == 180 and record["metrics"]["val_images"] == 20
    stderr = " ".join(result.stderr.split())  # the tables go to stderr under --json
    assert f"--train-images: 54,000 asked, 180 used: {reason}." in stderr
    assert stderr.count("54,000 asked") == 1  # one line during the run ...
    assert "Run settings changed during the run" in stderr  # ... and the setting as used at the end
    assert "Re-run with: nnlessons run mnist-mlp" in stderr and "--train-images 180" in stderr


def test_asking_for_what_the_data_holds_changes_nothing(run_lesson, data_root: Path) -> None:
    record = run_lesson("mnist-mlp", *data_args(data_root), "--train-images", "100", "--val-images", "100",
                        "--test-images", "60")
    assert record["params_adjusted"] == {} and record["params"]["train_images"] == 100
    assert record["metrics"]["train_images"] == record["metrics"]["val_images"] == 100


def test_validation_digits_stay_the_same_whatever_the_training_size() -> None:
    assert fitted_sizes(55_000, 5_000, 60_000) == (55_000, 5_000)
    assert fitted_sizes(1_000, 500, 200) == (134, 66)
    assert fitted_sizes(10, 10, 15) == (8, 7)


def test_more_training_and_validation_digits_than_the_training_file_is_refused(tmp_path: Path, data_root: Path) -> None:
    result = invoke(*data_args(data_root), "--train-images", "56000", "--val-images", "5000",
                    "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "--train-images 56000 + --val-images 5000 is more than the 60,000" in result.output
    assert not (tmp_path / "out").exists()


def test_the_page_says_what_each_split_is_for() -> None:
    import nnlessons_mnist_mlp

    page = " ".join(nnlessons_mnist_mlp.__doc__.split())
    assert "## Three splits: what each one is for" in nnlessons_mnist_mlp.__doc__
    assert "**validation** (`--val-images`, 5,000): measured after every epoch" in page
    assert "are measured once, after training, in step 8: nothing is chosen or compared on them" in page
    assert "expected to get about 98%" not in page and "expected to end near 98%" not in page  # not measured here
    assert "to see the damage" not in page  # step 7 says what it measures, on validation digits
    assert "plain SGD would not" not in page  # now measured: both first steps, and 300 steps of SGD

# ---- bad input: exit code 2 with a clear message ----------------------------------------------


def test_missing_mnist_exits_2_naming_the_files(tmp_path: Path) -> None:
    result = invoke(*data_args(tmp_path / "empty"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "MNIST is not available" in result.output and "train-images-idx3-ubyte" in result.output


def test_truncated_mnist_file_exits_2_naming_the_file(tmp_path: Path) -> None:
    root = write_tiny_mnist(tmp_path / "data")
    images = root / "MNIST" / "raw" / "train-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:-100])
    result = invoke(*data_args(root), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "corrupt or truncated" in result.output and "train-images-idx3-ubyte" in result.output


def test_a_users_digits_folder_is_never_touched(tmp_path: Path, data_root: Path) -> None:
    users_png = tmp_path / "out" / "digits" / "7" / "my-seven.png"
    users_png.parent.mkdir(parents=True)
    users_png.write_bytes(b"not mine to delete")
    for extra in ([], ["--overwrite"]):
        result = invoke(*data_args(data_root), "--out", str(tmp_path / "out"), *extra)
        assert result.exit_code == 2  # not an earlier run's folder: refused, with or without --overwrite
        assert users_png.read_bytes() == b"not mine to delete"


def test_out_of_range_option_exits_2(tmp_path: Path, data_root: Path) -> None:
    result = invoke(*data_args(data_root), "--epochs", "0", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "--epochs" in result.output


# ---- the plugin itself ------------------------------------------------------------------------


def test_listed_with_options_and_the_page_covers_the_notes() -> None:
    result = CliRunner().invoke(cli, ["list", "--json"])
    lesson = next(item for item in json.loads(result.output) if item["id"] == "mnist-mlp")
    assert not lesson["broken"] and lesson["needs_download"]
    assert {"data_dir", "download", "epochs", "batch_size", "lr", "hidden"} <= {o["name"] for o in lesson["options"]}
    text = CliRunner().invoke(cli, ["explain", "mnist-mlp"]).output
    assert "Where the notes are wrong" in text and "1.4612" in text


def test_importing_the_plugin_does_not_import_torch() -> None:
    code = "import sys, nnlessons_mnist_mlp; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
