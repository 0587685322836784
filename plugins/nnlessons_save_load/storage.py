"""Save a model two ways and load it back three ways; describe what each file holds."""

from __future__ import annotations

import io
import pickle
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from nnlessons_save_load.nets import RegressionNet, parameter_count
from nnlessons_save_load.pinned_file import PinnedFile

ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class SavedFile:
    """A file written by torch.save and what it needs to be loaded again."""

    path: Path
    size_bytes: int
    is_zip: bool
    globals_needed: list[str]  # classes/functions the file names; weights_only=True refuses unknown ones


def save_whole_model(model: nn.Module, path: Path) -> Path:
    """Pickle the module object itself: its class's import path plus every tensor."""
    torch.save(model, path)
    return path


def save_state_dict(model: nn.Module, path: Path) -> Path:
    """Save only the parameter tensors, by name."""
    torch.save(model.state_dict(), path)
    return path


def describe(path: Path) -> SavedFile:
    return SavedFile(path, path.stat().st_size, zipfile.is_zipfile(path),
                     torch.serialization.get_unsafe_globals_in_checkpoint(path))


def error_summary(exc: BaseException) -> str:
    """The parts of torch's long refusal a learner needs: that it failed, and which global it refused."""
    lines = [ANSI_CODE.sub("", line).strip() for line in str(exc).splitlines() if line.strip()]
    headline = lines[0].split(". ")[0].rstrip(".") + "."
    refused = [line.split(" Please use")[0] for line in lines if "GLOBAL" in line]
    return " ".join([f"{type(exc).__name__}: {headline}", *refused[:1]])


def load_whole_with_defaults(path: Path, device: torch.device) -> tuple[nn.Module | None, str]:
    """torch.load(path) as the notes write it; with weights_only=True as the default this refuses a whole model."""
    try:
        return torch.load(path, map_location=device), "loaded"
    except pickle.UnpicklingError as exc:
        return None, error_summary(exc)


def load_whole_trusting(checkpoint: PinnedFile, device: torch.device) -> nn.Module:
    """The explicit opt-in: run the file's pickle, which may execute code. Only for files you made.

    So only the bytes this run wrote are unpickled: checked against their SHA-256 and loaded
    from memory, a swapped file is refused with LessonInputError.
    """
    return torch.load(io.BytesIO(checkpoint.read()), map_location=device, weights_only=False)


def load_whole_allowlisted(path: Path, device: torch.device) -> nn.Module:
    """weights_only=True with the two classes this file names allowed; any other global is still refused."""
    with torch.serialization.safe_globals([RegressionNet, nn.Linear]):
        return torch.load(path, map_location=device, weights_only=True)


def load_state_dict_safely(path: Path, device: torch.device, hidden: int) -> RegressionNet:
    """Build a fresh net in code, then fill it with tensors loaded the safe way."""
    model = RegressionNet(hidden).to(device)
    model.load_state_dict(torch.load(path, map_location=device, weights_only=True))
    return model


def shares_storage(a: nn.Module, b: nn.Module) -> int:
    """How many parameters of `b` live in the same memory as a parameter of `a` (0: fully independent)."""
    pointers = {p.data_ptr() for p in a.parameters()}
    return sum(p.data_ptr() in pointers for p in b.parameters())


def size_overhead(hidden_sizes: list[int], device: torch.device) -> list[tuple[int, int, int, int]]:
    """(hidden, parameters, whole-model bytes, state_dict bytes) for untrained nets of several widths."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for hidden in hidden_sizes:
            model = RegressionNet(hidden).to(device)
            whole = save_whole_model(model, Path(folder) / "whole.pt").stat().st_size
            state = save_state_dict(model, Path(folder) / "state.pt").stat().st_size
            rows.append((hidden, parameter_count(model), whole, state))
    return rows
