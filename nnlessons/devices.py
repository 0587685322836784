"""Turn ``--device auto|cpu|cuda|cuda:N|mps`` into a torch.device, or say why not."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nnlessons.errors import LessonInputError

if TYPE_CHECKING:
    import torch

DEVICE_SYNTAX = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")


def check_syntax(spec: str) -> str:
    """Return `spec` if it is a device name we know, else raise LessonInputError (no torch needed)."""
    if not DEVICE_SYNTAX.match(spec):
        raise LessonInputError(f"Unknown device {spec!r}; use auto, cpu, cuda, cuda:N or mps.")
    return spec


def available_devices() -> list[str]:
    """Every device this machine can run on, e.g. ['cuda:0', 'cuda:1', 'cpu']."""
    import torch

    found = []
    if torch.cuda.is_available():
        found += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if torch.backends.mps.is_available():
        found.append("mps")
    return found + ["cpu"]


def resolve_device(spec: str) -> torch.device:
    """`auto` picks cuda, then mps, then cpu; an explicit device must exist (never a silent fallback)."""
    import torch

    check_syntax(spec)
    available = available_devices()
    if spec == "auto":
        return torch.device(available[0])
    wanted = "cuda:0" if spec == "cuda" else spec
    if wanted not in available:
        raise LessonInputError(
            f"Device {spec!r} is not available on this machine; available devices: {', '.join(available)}."
        )
    return torch.device(wanted)
