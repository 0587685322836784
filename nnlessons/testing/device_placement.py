"""Device placement, checked on a machine without a GPU: what would live on --device, and where it meets the host.

On the CPU, ``--device cpu`` cannot tell a tensor on ``ctx.device`` from one left on the host:
``.to(ctx.device)`` returns the very same tensor. [`DeviceShadow`][nnlessons.testing.device_placement.DeviceShadow]
(a ``torch.overrides.TorchFunctionMode``) remembers every storage that a real ``--device`` would hold
(made with ``device=``, copied with ``.to(...)``, or computed from device tensors), and makes the
copy that ``.to(...)`` and ``.cpu()`` make between real devices. Run under it, lesson code must not

- combine a device tensor with a host tensor (other than a 0-d scalar) in one operation: on CUDA
  that raises, or (indexing, assignment) copies behind the lesson's back;
- call ``.numpy()`` on a device tensor (raises on CUDA);
- pass a CPU ``torch.Generator`` to an operation that makes or fills a device tensor (raises on CUDA);
- copy from the host to the device more than ``max_copies_per_line`` times from one line of lesson
  code: that is a copy inside a loop (per batch or per epoch), where the rule is "generate on the
  CPU, move once". A function that moves every batch on purpose (a DataLoader loop) is named in
  ``batch_copies_in``.

Not checked (read the code): float64 on MPS, which has none; a CPU run cannot see what MPS would get.

Most authors need only the ``check_device_placement`` fixture of [`nnlessons.testing`][nnlessons.testing];
[`watching_device_placement`][nnlessons.testing.device_placement.watching_device_placement] checks any
code, not only a lesson run.
"""

from __future__ import annotations

import contextlib
import importlib
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode, resolve_name
from torch.utils._pytree import tree_flatten
from torch.utils.weak import WeakIdKeyDictionary

import nnlessons
from nnlessons.registry import ENTRY_POINT_GROUP

#: More host-to-device copies than this from one line of a --quick run means a copy inside a loop.
MAX_COPIES_PER_LINE = 20

#: Explicit copies between devices, and ops that only read the other tensor's shape: never a mix.
NO_MIX_CHECK = {
    "torch.Tensor.to", "torch.Tensor.cpu", "torch.Tensor.copy_", "torch.Tensor.view_as", "torch.Tensor.reshape_as",
    "torch.Tensor.expand_as", "torch.Tensor.data.__set__", "_has_compatible_shallow_copy_type",
}

#: nnlessons' own code that makes tensors for lessons: the MNIST data layer.
SHARED_LESSON_CODE = (str(Path(nnlessons.__file__).parent / "mnist.py"),)

WRAPPED = torch._C._functorch.is_functorch_wrapped_tensor


def _tensors(obj: Any) -> list[torch.Tensor]:
    return [t for t in tree_flatten(obj)[0] if isinstance(t, torch.Tensor) and not WRAPPED(t)]


def plugin_module(lesson: str | Any) -> ModuleType:
    """The module of a lesson: an installed lesson's id (through its entry point), a plugin module, or a plugin object."""
    if isinstance(lesson, ModuleType):
        return lesson
    if isinstance(lesson, str):
        found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == lesson]
        if not found:
            raise AssertionError(f"no installed lesson is called {lesson!r}; install its package, or pass its plugin module")
        return importlib.import_module(found[0].module)
    return importlib.import_module(type(lesson).__module__)


def lesson_code(lesson: str | Any) -> tuple[str, ...]:
    """Where a lesson's code lives: its plugin package's folder (or its module's file), and the MNIST data layer."""
    module = plugin_module(lesson)
    own = list(getattr(module, "__path__", [])) or [module.__file__]
    return (*(str(Path(p)) for p in own), *SHARED_LESSON_CODE)


class DeviceShadow(TorchFunctionMode):
    """Run on the CPU while remembering which storages --device would hold; record where device meets host.

    :param code: files and folders of the code under test (path prefixes); findings name the innermost
        line of that code that called torch.
    :param max_copies_per_line: more host-to-device copies than this from one line is a copy in a loop.
    :param batch_copies_in: ``"file.py:function"`` (the file as the end of its path) of functions that move
        every batch on purpose; their copies are not counted.
    """

    def __init__(self, code: Iterable[str], *, max_copies_per_line: int = MAX_COPIES_PER_LINE,
                 batch_copies_in: Iterable[str] = ()) -> None:
        super().__init__()
        self.device_storages = WeakIdKeyDictionary()  # storage -> True; a storage's Python object lives as long as it does
        self.code = tuple(str(c) for c in code)
        self.max_copies_per_line = max_copies_per_line
        self.batch_copies_in = [tuple(spec.rsplit(":", 1)) for spec in batch_copies_in]
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
        """('package/file.py', function, 'line: code') of the innermost frame of the code under test calling torch."""
        for frame in reversed(traceback.extract_stack()):
            if frame.filename.startswith(self.code) and frame.filename != __file__:
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

    def moves_batches_by_design(self, where: tuple[str, str, str]) -> bool:
        short, function, _ = where
        return any(short.endswith(file) and function == name for file, name in self.batch_copies_in)

    def copies_in_loops(self) -> dict[tuple[str, str, str], int]:
        """(file, function, line) -> copies, for each line that copied more than ``max_copies_per_line`` times."""
        return {where: n for where, n in self.copies.items()
                if n > self.max_copies_per_line and not self.moves_batches_by_design(where)}

    def problems(self) -> list[str]:
        """One line per problem found, each naming the line of code; empty when everything would stay on the device."""
        found = [f"{n}x {what}: {name} at {where}" for (what, name, where), n in sorted(self.findings.items())]
        found += [f"{n}x host-to-device copy in a loop at {'  '.join(where)}" for where, n in self.copies_in_loops().items()]
        return found


@contextlib.contextmanager
def watching_device_placement(code: Iterable[str], *, max_copies_per_line: int = MAX_COPIES_PER_LINE,
                              batch_copies_in: Iterable[str] = ()) -> Iterator[DeviceShadow]:
    """Run the block under a [`DeviceShadow`][nnlessons.testing.device_placement.DeviceShadow]; read its ``problems()`` after.

    ``torch.func.vmap``, ``torch.autograd.grad`` and ``torch.load`` are wrapped for the block so that
    their results are placed too (they make tensors without passing through the mode); they are
    restored afterwards. The arguments are those of ``DeviceShadow``.
    """
    shadow = DeviceShadow(code, max_copies_per_line=max_copies_per_line, batch_copies_in=batch_copies_in)
    originals = (torch.func.vmap, torch.autograd.grad, torch.load)
    torch.func.vmap = shadow.vmap(torch.func.vmap)
    torch.autograd.grad = shadow.outputs_follow_inputs(torch.autograd.grad)
    torch.load = shadow.load(torch.load)
    try:
        with shadow:
            yield shadow
    finally:
        torch.func.vmap, torch.autograd.grad, torch.load = originals
