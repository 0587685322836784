"""Device placement, checked on a machine without a GPU: what would live on --device, and where it meets the host.

On the CPU, ``--device cpu`` cannot tell a tensor on ``ctx.device`` from one left on the host:
``.to(ctx.device)`` returns the very same tensor. `DeviceShadow` (a TorchFunctionMode) remembers
every storage that a real ``--device`` would hold (made with ``device=``, copied with ``.to(...)``,
or computed from device tensors), and makes the copy ``.to(...)`` and ``.cpu()`` make between real
devices. Run under it, a lesson's ``--quick`` run must not

- combine a device tensor with a host tensor (other than a 0-d scalar) in one operation: on CUDA
  that raises, or (indexing, assignment) copies behind the lesson's back;
- call ``.numpy()`` on a device tensor (raises on CUDA);
- pass a CPU ``torch.Generator`` to an operation that makes or fills a device tensor (raises on CUDA);
- copy from the host to the device more than `MAX_COPIES_PER_LINE` times from one line of lesson
  code: that is a copy inside a loop (per batch or per epoch), where the rule is "generate on the
  CPU, move once". The dataset-dataloader lesson moves every DataLoader batch on purpose: it is
  what that lesson teaches and times.

Not checked here (read the code): float64 on MPS, which has none; lessons choose the dtype by the
device's type, so a CPU run cannot see what MPS would get.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import traceback
from collections import Counter
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
import torch
from mnist_fixtures import write_tiny_mnist
from torch import nn
from torch.overrides import TorchFunctionMode, resolve_name
from torch.utils._pytree import tree_flatten
from torch.utils.weak import WeakIdKeyDictionary

import nnlessons

#: More host-to-device copies than this from one line of a --quick run means a copy inside a loop.
MAX_COPIES_PER_LINE = 20

#: (file, function) that move every batch on purpose: the dataset-dataloader lesson is about exactly that.
BATCH_COPIES_BY_DESIGN = {
    ("nnlessons_dataset_dataloader/model.py", "train_one_epoch"),
    ("nnlessons_dataset_dataloader/throughput.py", "measure"),
}

#: Explicit copies between devices, and ops that only read the other tensor's shape: never a mix.
NO_MIX_CHECK = {
    "torch.Tensor.to", "torch.Tensor.cpu", "torch.Tensor.copy_", "torch.Tensor.view_as", "torch.Tensor.reshape_as",
    "torch.Tensor.expand_as", "torch.Tensor.data.__set__", "_has_compatible_shallow_copy_type",
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
}
MNIST_LESSONS = {"mnist-mlp", "lstm-mnist"}

WRAPPED = torch._C._functorch.is_functorch_wrapped_tensor


def _tensors(obj: Any) -> list[torch.Tensor]:
    return [t for t in tree_flatten(obj)[0] if isinstance(t, torch.Tensor) and not WRAPPED(t)]


def bundled_lessons() -> dict[str, str]:
    """Lesson id -> plugin module of the lessons this repository ships."""
    return {ep.name: ep.value for ep in entry_points(group="nnlessons.lessons") if ep.value.startswith("nnlessons_")}


def lesson_code_folders() -> tuple[str, ...]:
    """Where lesson code lives: each bundled plugin package, and the MNIST data layer."""
    folders = [str(Path(importlib.import_module(module).__file__).parent) for module in bundled_lessons().values()]
    return (*folders, str(Path(nnlessons.__file__).parent / "mnist.py"))


class DeviceShadow(TorchFunctionMode):
    """Run on the CPU while remembering which storages --device would hold; record where device meets host."""

    def __init__(self, code: tuple[str, ...]) -> None:
        super().__init__()
        self.device_storages = WeakIdKeyDictionary()  # storage -> True; a storage's Python object lives as long as it does
        self.code = code
        self.findings: Counter[tuple[str, str, str]] = Counter()  # (what, torch function, where) -> times
        self.copies: Counter[tuple[str, str, str]] = Counter()  # (file, function, line) -> host-to-device copies
        self.marked = 0  # storages put on the device so far

    def on_device(self, tensor: torch.Tensor) -> bool:
        return tensor.untyped_storage() in self.device_storages

    def mark(self, tensors: list[torch.Tensor]) -> None:
        for tensor in tensors:
            self.device_storages[tensor.untyped_storage()] = True
            self.marked += 1

    def lesson_frame(self) -> tuple[str, str, str]:
        """('package/file.py', function, 'line: code') of the innermost frame of lesson code calling torch."""
        for frame in reversed(traceback.extract_stack()):
            if frame.filename.startswith(self.code) and not is_shadow_code(frame):
                short = "/".join(Path(frame.filename).parts[-2:])
                return short, frame.name, f"{frame.lineno}: {frame.line}"
        return "?", "?", "?"

    def note(self, what: str, name: str) -> None:
        self.findings[(what, name, "  ".join(self.lesson_frame()))] += 1

    def destination(self, name: str, args: tuple, kwargs: dict) -> str | None:
        """'device', 'host', or None when the call does not choose where its result lives."""
        if name == "torch.Tensor.cpu":
            return "host"
        if name == "torch.Tensor.to":
            for value in (*args[1:], *kwargs.values()):
                if isinstance(value, torch.Tensor):
                    return "device" if self.on_device(value) else "host"
                if isinstance(value, (str, torch.device)):  # in a --device cpu run every device named is ctx.device
                    return "device"
            return None
        return "device" if kwargs.get("device") is not None else None

    def __torch_function__(self, func: Callable, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        name = resolve_name(func) or getattr(func, "__name__", repr(func))
        inputs = _tensors((args, kwargs))
        device_inputs = [t for t in inputs if self.on_device(t)]
        host_inputs = [t for t in inputs if t.dim() > 0 and not self.on_device(t)]
        if device_inputs and host_inputs and name not in NO_MIX_CHECK:
            self.note("device and host tensors in one call", name)
        if name in ("torch.Tensor.numpy", "torch.Tensor.__array__") and device_inputs:
            self.note(".numpy() of a device tensor", name)
        generators = [g for g in tree_flatten((args, kwargs))[0] if isinstance(g, torch.Generator)]
        if any(g.device.type == "cpu" for g in generators) and (device_inputs or kwargs.get("device") is not None):
            self.note("CPU generator for a device tensor", name)

        out = func(*args, **kwargs)

        destination = self.destination(name, args, kwargs)
        outputs = _tensors(out)
        if destination is not None:
            if destination == "device" and any(t.numel() > 1 and not self.on_device(t) for t in inputs):
                self.copies[self.lesson_frame()] += 1
            sources = {id(t.untyped_storage()) for t in inputs}
            if any(id(t.untyped_storage()) in sources for t in outputs):  # the CPU made no copy; a real device would
                out = out.clone()
                outputs = _tensors(out)
        if destination == "device" or (destination is None and device_inputs):
            self.mark(outputs)
        return out

    # ---- functions that make tensors without passing through the mode -------------------------

    def outputs_follow_inputs(self, function: Callable) -> Callable:
        """vmap, autograd.grad: the result lives where the inputs live."""
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            out = function(*args, **kwargs)
            if any(self.on_device(t) for t in _tensors((args, kwargs))):
                self.mark(_tensors(out))
            return out
        return wrapped

    def vmap(self, vmap: Callable) -> Callable:
        return lambda function, *args, **kwargs: self.outputs_follow_inputs(vmap(function, *args, **kwargs))

    def load(self, load: Callable) -> Callable:
        """torch.load(..., map_location=device) puts the loaded tensors on the device."""
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            out = load(*args, **kwargs)
            if kwargs.get("map_location") is not None:
                tensors = [*out.parameters(), *out.buffers()] if isinstance(out, nn.Module) else _tensors(out)
                self.mark(tensors)
            return out
        return wrapped

    # ---- verdicts ------------------------------------------------------------------------------

    def copies_in_loops(self) -> dict[tuple[str, str, str], int]:
        return {where: n for where, n in self.copies.items()
                if n > MAX_COPIES_PER_LINE and where[:2] not in BATCH_COPIES_BY_DESIGN}

    def problems(self) -> list[str]:
        found = [f"{n}x {what}: {name} at {where}" for (what, name, where), n in sorted(self.findings.items())]
        found += [f"{n}x host-to-device copy in a loop at {'  '.join(where)}" for where, n in self.copies_in_loops().items()]
        return found


_SHADOW_LINES, _SHADOW_START = inspect.getsourcelines(DeviceShadow)


def is_shadow_code(frame: traceback.FrameSummary) -> bool:
    """The shadow's own frames (they are in this file, which the shadow's self-tests treat as lesson code)."""
    return frame.filename == __file__ and _SHADOW_START <= frame.lineno < _SHADOW_START + len(_SHADOW_LINES)


@pytest.fixture
def shadow(monkeypatch: pytest.MonkeyPatch) -> DeviceShadow:
    """A DeviceShadow for lesson code, with vmap, autograd.grad and torch.load reporting where their results live."""
    device_shadow = DeviceShadow(lesson_code_folders())
    monkeypatch.setattr(torch.func, "vmap", device_shadow.vmap(torch.func.vmap))
    monkeypatch.setattr(torch.autograd, "grad", device_shadow.outputs_follow_inputs(torch.autograd.grad))
    monkeypatch.setattr(torch, "load", device_shadow.load(torch.load))
    return device_shadow


# ---- the shadow sees what a GPU would complain about, and nothing a GPU would accept ------------


def shadow_here(monkeypatch: pytest.MonkeyPatch) -> DeviceShadow:
    """A shadow that counts this test file as lesson code."""
    device_shadow = DeviceShadow((__file__,))
    monkeypatch.setattr(torch, "load", device_shadow.load(torch.load))
    return device_shadow


DEVICE = torch.device("cpu")  # plays ctx.device


def test_shadow_sees_a_tensor_made_without_device_meet_a_device_tensor(monkeypatch) -> None:
    shadow = shadow_here(monkeypatch)
    with shadow:
        x = torch.randn(4, 3, generator=torch.Generator().manual_seed(0)).to(DEVICE)
        noise = torch.zeros(4, 3)  # forgot device=
        _ = x + noise
        model = nn.Linear(3, 1)  # forgot .to(DEVICE)
        model(x)
    kinds = {(what, name) for what, name, _ in shadow.findings}
    assert ("device and host tensors in one call", "torch.Tensor.add") in kinds
    assert ("device and host tensors in one call", "torch.nn.functional.linear") in kinds


def test_shadow_sees_numpy_of_a_device_tensor_and_a_cpu_generator_for_the_device(monkeypatch) -> None:
    shadow = shadow_here(monkeypatch)
    with shadow:
        x = torch.ones(3, device=DEVICE)
        x.cpu().numpy()  # fine
        x.numpy()  # raises on CUDA
        torch.randn(3, generator=torch.Generator().manual_seed(0)).to(DEVICE)  # fine
        torch.randn(3, device=DEVICE, generator=torch.Generator().manual_seed(0))  # raises on CUDA
        nn.Linear(2, 2).to(DEVICE).weight.data.uniform_(generator=torch.Generator().manual_seed(0))  # raises on CUDA
    assert sorted(what for what, _, _ in shadow.findings) == [
        ".numpy() of a device tensor", "CPU generator for a device tensor", "CPU generator for a device tensor"]


def test_shadow_counts_copies_inside_a_loop(monkeypatch) -> None:
    shadow = shadow_here(monkeypatch)
    with shadow:
        x = torch.randn(100, 3).to(DEVICE)
        order = torch.randperm(100, generator=torch.Generator().manual_seed(0))
        for rows in order.split(4):
            x[rows.to(DEVICE)].sum()  # 25 copies from one line
        for rows in order.to(DEVICE).split(4):  # one copy
            x[rows].sum()
    assert [n for n in shadow.copies_in_loops().values()] == [25]
    assert not shadow.findings


def test_shadow_accepts_what_a_gpu_accepts(monkeypatch, tmp_path: Path) -> None:
    """Copies of moved models, loading onto the device, optimizer state, scalars: no findings."""
    shadow = shadow_here(monkeypatch)
    with shadow:
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


def test_the_list_covers_every_bundled_lesson() -> None:
    assert set(LESSON_ARGS) == set(bundled_lessons())


# ---- the lessons ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_mnist_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_mnist(tmp_path_factory.mktemp("mnist") / "data", n_train=200, n_test=60)


@pytest.mark.parametrize("lesson_id", sorted(LESSON_ARGS))
def test_lesson_keeps_its_tensors_on_the_device(lesson_id: str, shadow: DeviceShadow, run_lesson, tiny_mnist_root: Path) -> None:
    args = LESSON_ARGS[lesson_id]
    if lesson_id in MNIST_LESSONS:
        args = (*args, "--data-dir", str(tiny_mnist_root), "--no-download")
    with shadow:
        run_lesson(lesson_id, *args)
    assert not shadow.problems(), "\n".join(shadow.problems())
    assert shadow.marked > 0, "nothing was put on the device: the shadow saw no ctx.device at all"
