"""Device placement: the checker of `nnlessons.testing` on small code, then every bundled lesson under it.

The checker (`nnlessons.testing.device_placement`) runs a lesson on the CPU while remembering what a
real ``--device`` would hold. Its self-tests below show that it sees what a GPU would refuse (a host
tensor meeting a device tensor, ``.numpy()`` of a device tensor, a CPU generator for a device tensor,
a copy inside a loop) and nothing a GPU would accept; then each bundled lesson's ``--quick`` run must
pass it, through the same ``check_device_placement`` fixture a lesson author's tests use.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import torch
from mnist_fixtures import write_tiny_mnist
from torch import nn

from nnlessons import LessonInfo, Option, hookimpl
from nnlessons.testing.device_placement import watching_device_placement

#: Functions that move every batch on purpose: the dataset-dataloader lesson is about exactly that, and
#: mnist-mlp times the ImageFolder route as a training loop would use it, batch by batch to the device.
BATCH_COPIES_BY_DESIGN = {
    "dataset-dataloader": ("nnlessons_dataset_dataloader/model.py:train_one_epoch",
                           "nnlessons_dataset_dataloader/throughput.py:measure"),
    "mnist-mlp": ("nnlessons_mnist_mlp/route_timing.py:read_folder_batches",),
}

#: Small --quick runs that still take every code path (the lessons' loops only run fewer times).
LESSON_ARGS = {
    "cnn-shapes": ("--random-cases", "20", "--random-convs", "4", "--feature-maps", "8"),
    "manual-grad": ("--iterations", "30", "--adam-epochs", "3"),
    "gd-variants": ("--epochs", "30"),
    "optimizers": ("--epochs", "1", "--repeats", "2"),
    "dataset-dataloader": ("--rows", "300", "--samples", "1000", "--workers", "0"),
    "classification": ("--steps", "30"),
    "save-load": ("--steps", "30"),
    "mnist-mlp": ("--batch-size", "8"),  # more steps than MAX_COPIES_PER_LINE on the tiny MNIST files
    "lstm-mnist": ("--batch-size", "16", "--epochs", "2"),
    "cnn-mnist": ("--batch-size", "16", "--epochs", "2"),  # shifts, LeNet, the CNN and both compared models
    "generalization": ("--batch-size", "16", "--epochs", "2"),
}
MNIST_LESSONS = {"mnist-mlp", "lstm-mnist", "cnn-mnist", "generalization"}


def bundled_lessons() -> set[str]:
    """The ids of the lessons this repository ships (their plugin modules are nnlessons_*)."""
    from importlib.metadata import entry_points

    return {ep.name for ep in entry_points(group="nnlessons.lessons") if ep.value.startswith("nnlessons_")}


# ---- the shadow sees what a GPU would complain about, and nothing a GPU would accept ------------


def shadow_here():
    """The checker, counting this test file as lesson code."""
    return watching_device_placement((__file__,))


DEVICE = torch.device("cpu")  # plays ctx.device


def test_shadow_sees_a_tensor_made_without_device_meet_a_device_tensor() -> None:
    with shadow_here() as shadow:
        x = torch.randn(4, 3, generator=torch.Generator().manual_seed(0)).to(DEVICE)
        noise = torch.zeros(4, 3)  # forgot device=
        _ = x + noise
        model = nn.Linear(3, 1)  # forgot .to(DEVICE)
        model(x)
    kinds = {(what, name) for what, name, _ in shadow.findings}
    assert ("device and host tensors in one call", "torch.Tensor.add") in kinds
    assert ("device and host tensors in one call", "torch.nn.functional.linear") in kinds


def test_shadow_sees_numpy_of_a_device_tensor_and_a_cpu_generator_for_the_device() -> None:
    with shadow_here() as shadow:
        x = torch.ones(3, device=DEVICE)
        x.cpu().numpy()  # fine
        x.numpy()  # raises on CUDA
        torch.randn(3, generator=torch.Generator().manual_seed(0)).to(DEVICE)  # fine
        torch.randn(3, device=DEVICE, generator=torch.Generator().manual_seed(0))  # raises on CUDA
        nn.Linear(2, 2).to(DEVICE).weight.data.uniform_(generator=torch.Generator().manual_seed(0))  # raises on CUDA
    assert sorted(what for what, _, _ in shadow.findings) == [
        ".numpy() of a device tensor", "CPU generator for a device tensor", "CPU generator for a device tensor"]


def test_shadow_counts_copies_inside_a_loop() -> None:
    with shadow_here() as shadow:
        x = torch.randn(100, 3).to(DEVICE)
        order = torch.randperm(100, generator=torch.Generator().manual_seed(0))
        for rows in order.split(4):
            x[rows.to(DEVICE)].sum()  # 25 copies from one line
        for rows in order.to(DEVICE).split(4):  # one copy
            x[rows].sum()
    assert [n for n in shadow.copies_in_loops().values()] == [25]
    assert not shadow.findings


def test_shadow_accepts_what_a_gpu_accepts(tmp_path: Path) -> None:
    """Copies of moved models, loading onto the device, optimizer state, scalars: no findings."""
    with shadow_here() as shadow:
        x = torch.linspace(-1, 1, 8).unsqueeze(1).to(DEVICE)  # (8, 1)
        model = nn.Sequential(nn.Linear(1, 4), nn.ReLU(), nn.Linear(4, 1)).to(DEVICE)
        twin = copy.deepcopy(model)
        optimizer = torch.optim.Adam(twin.parameters(), lr=0.1)
        for _ in range(3):
            loss = nn.functional.mse_loss(twin(x), x.pow(2))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        torch.save(model.state_dict(), tmp_path / "state.pt")
        fresh = nn.Sequential(nn.Linear(1, 4), nn.ReLU(), nn.Linear(4, 1)).to(DEVICE)
        fresh.load_state_dict(torch.load(tmp_path / "state.pt", map_location=DEVICE, weights_only=True))
        (fresh(x) - model(x)).abs().max().item()
        (x * torch.tensor(2.0)).cpu().numpy()  # a 0-d CPU tensor may meet a device tensor
    assert not shadow.findings, shadow.problems()


class HostNoiseLesson:
    """Adds noise made without device= to data on ctx.device (a GPU raises here); with --per-row, moves rows in a loop."""

    @hookimpl
    def nnlessons_lesson_info(self) -> LessonInfo:
        return LessonInfo(id="host-noise", title="Host noise", summary="Forgets device=.",
                          options=(Option("mistake", str, "noise", "Which mistake.", choices=("noise", "per-row", "none")),))

    @hookimpl
    def nnlessons_run(self, ctx):
        data = torch.randn(40, 3, generator=ctx.generator())
        if ctx.params.mistake == "per-row":
            total = 0.0
            for row in data:
                total += row.to(ctx.device).sum()  # one copy per row
        else:
            x = data.to(ctx.device)
            noise = torch.zeros(40, 3) if ctx.params.mistake == "noise" else torch.zeros(40, 3, device=ctx.device)
            total = (x + noise).sum()
        return {"total": float(total)}


class HostOnlyLesson:
    """Never uses ctx.device: nothing it makes is placed, which the checker refuses too."""

    @hookimpl
    def nnlessons_lesson_info(self) -> LessonInfo:
        return LessonInfo(id="host-only", title="Host only", summary="Ignores ctx.device.")

    @hookimpl
    def nnlessons_run(self, ctx):
        return {"total": float(torch.ones(3).sum())}


def test_the_public_checker_names_the_line_that_mixes_host_and_device(check_device_placement) -> None:
    with pytest.raises(AssertionError) as failure:
        check_device_placement(HostNoiseLesson(), "--mistake", "noise")
    message = str(failure.value)
    assert "device and host tensors in one call: torch.Tensor.add" in message
    assert "total = (x + noise).sum()" in message and "test_device_placement.py" in message
    check_device_placement(HostNoiseLesson(), "--mistake", "none")  # the same lesson, with device=: passes


def test_the_public_checker_refuses_a_copy_per_row_unless_it_is_by_design(check_device_placement) -> None:
    with pytest.raises(AssertionError, match=r"40x host-to-device copy in a loop at .*nnlessons_run .*one copy per row"):
        check_device_placement(HostNoiseLesson(), "--mistake", "per-row")
    check_device_placement(HostNoiseLesson(), "--mistake", "per-row",
                           batch_copies_in=["tests/test_device_placement.py:nnlessons_run"])


def test_the_public_checker_refuses_a_lesson_that_never_uses_the_device(check_device_placement) -> None:
    with pytest.raises(AssertionError, match="nothing was put on ctx.device"):
        check_device_placement(HostOnlyLesson())


def test_the_checker_puts_back_what_it_wraps() -> None:
    before = (torch.func.vmap, torch.autograd.grad, torch.load)
    with pytest.raises(RuntimeError), shadow_here():
        assert torch.load is not before[2]
        raise RuntimeError("a failing block")
    assert (torch.func.vmap, torch.autograd.grad, torch.load) == before


def test_the_list_covers_every_bundled_lesson() -> None:
    assert set(LESSON_ARGS) == set(bundled_lessons())


# ---- the lessons ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_mnist_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_mnist(tmp_path_factory.mktemp("mnist") / "data", n_train=200, n_test=60)


@pytest.mark.parametrize("lesson_id", sorted(LESSON_ARGS))
def test_lesson_keeps_its_tensors_on_the_device(lesson_id: str, check_device_placement, tiny_mnist_root: Path) -> None:
    args = LESSON_ARGS[lesson_id]
    if lesson_id in MNIST_LESSONS:
        args = (*args, "--data-dir", str(tiny_mnist_root), "--no-download")
    check_device_placement(lesson_id, *args, batch_copies_in=BATCH_COPIES_BY_DESIGN.get(lesson_id, ()))
