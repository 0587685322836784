"""Why weights_only=True is the default: loading a pickle can run code named inside the file.

The payload here is harmless (it makes an empty folder in a temporary
directory), but a file from a stranger could name any function with any
arguments, and ``weights_only=False`` would call it during ``torch.load``.
"""

from __future__ import annotations

import io
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

from nnlessons_save_load.pinned_file import PinnedFile
from nnlessons_save_load.storage import error_summary


class MakesAFolderWhenLoaded:
    """Pickles as the instruction 'call os.mkdir(folder)', which the unpickler obeys."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.folder),)


@dataclass(frozen=True)
class RiskOutcome:
    safe_load_refused: bool
    safe_load_message: str
    folder_after_safe_load: bool
    folder_after_unsafe_load: bool


def demonstrate() -> RiskOutcome:
    """Save the object, load it with weights_only=True (refused), then False (the code runs)."""
    with tempfile.TemporaryDirectory() as workdir:
        folder = Path(workdir) / "made-by-torch-load"
        path = Path(workdir) / "looks_like_a_checkpoint.pt"
        torch.save(MakesAFolderWhenLoaded(folder), path)
        written = PinnedFile.of(path)  # the trusting load below reads only these bytes
        try:
            torch.load(path, weights_only=True)
            refused, message = False, "loaded"
        except pickle.UnpicklingError as exc:
            refused, message = True, error_summary(exc)
        after_safe = folder.exists()
        torch.load(io.BytesIO(written.read()), weights_only=False)
        return RiskOutcome(refused, message, after_safe, folder.exists())
