"""Restore both saved files in a brand-new Python process and send its predictions back.

The lesson runs ``python -I -m nnlessons_save_load.fresh_process WHOLE SHA256 STATE INPUTS OUTPUT DEVICE``
through `restore_in_fresh_process`. Nothing of the lesson's process is shared:
the new process has its own memory, imports torch itself, and learns about the
model only from the two files. ``-I`` (isolated mode) keeps the current folder and the
user's site-packages off ``sys.path`` and ignores PYTHON* variables, so a ``json.py`` or
``torch.py`` lying in the folder the learner works in is never imported instead of the real one.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from nnlessons import LessonInputError
from nnlessons_save_load.pinned_file import PinnedFile

NETS_MODULE = "nnlessons_save_load.nets"


@dataclass(frozen=True)
class FreshProcessResult:
    pid: int
    nets_imported_before_load: bool  # was the class's module loaded before torch.load? (no)
    nets_imported_after_load: bool  # ... and after loading the whole model? (yes: the file named it)
    whole_model_predictions: object  # torch.Tensor (N, 1) on the lesson's device
    state_dict_predictions: object  # torch.Tensor (N, 1)


class FreshProcessFailed(RuntimeError):
    """The fresh process did not finish; the message is one line (the child's last error line, shortened)."""


CHILD_INPUT_ERROR = 2  # exit code of the child when a file is not the one this run saved
TIMEOUT_SECONDS = 300
ERROR_CHARACTERS = 300


def main(argv: list[str]) -> None:
    """Load the whole model (trusted opt-in, only the bytes this run wrote) and the state_dict (safe), predict, save."""
    whole_path, whole_sha256, state_path, inputs_path, output_path, device = argv
    whole_bytes = PinnedFile(Path(whole_path), whole_sha256).read()  # checked right before the trusting load
    import torch

    x = torch.load(inputs_path, map_location=device, weights_only=True)  # (N, 1)
    imported_before = NETS_MODULE in sys.modules
    whole = torch.load(io.BytesIO(whole_bytes), map_location=device, weights_only=False)  # the bytes we wrote
    imported_after = NETS_MODULE in sys.modules
    from nnlessons_save_load.storage import load_state_dict_safely

    state_model = load_state_dict_safely(Path(state_path), torch.device(device), hidden=whole.hidden.out_features)
    with torch.no_grad():
        predictions = {"whole": whole.eval()(x), "state_dict": state_model.eval()(x)}  # each (N, 1)
    torch.save(predictions, output_path)
    print(json.dumps({"pid": os.getpid(), "imported_before": imported_before, "imported_after": imported_after}))


def last_line(text: str) -> str:
    """The last non-empty line of a child's stderr (for a traceback: 'SomeError: message'), cut at a word."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return textwrap.shorten(lines[-1], ERROR_CHARACTERS, placeholder=" ...") if lines else "no error message"


def child_command(whole: PinnedFile, state: Path, inputs: Path, output: Path, device: str) -> list[str]:
    return [sys.executable, "-I", "-m", "nnlessons_save_load.fresh_process",
            str(whole.path.resolve()), whole.sha256, str(state.resolve()), str(inputs.resolve()), str(output.resolve()), device]


def restore_in_fresh_process(whole: PinnedFile, state: Path, inputs: Path, output: Path, device: str,
                             cwd: Path) -> FreshProcessResult:
    """Run `main` in a new, isolated interpreter working in `cwd` (the run's folder) and read back what it computed."""
    import torch

    try:
        done = subprocess.run(child_command(whole, state, inputs, output, device), cwd=cwd, capture_output=True,
                              text=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise FreshProcessFailed(f"the fresh Python process did not finish within {TIMEOUT_SECONDS} s") from None
    if done.returncode == CHILD_INPUT_ERROR:
        raise LessonInputError(last_line(done.stderr))
    if done.returncode != 0:
        raise FreshProcessFailed(f"the fresh Python process failed (exit code {done.returncode}): {last_line(done.stderr)}")
    try:
        report = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise FreshProcessFailed(f"the fresh Python process printed no report: {last_line(done.stdout)}") from None
    predictions = torch.load(output, map_location=device, weights_only=True)
    return FreshProcessResult(report["pid"], report["imported_before"], report["imported_after"],
                              predictions["whole"], predictions["state_dict"])


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except LessonInputError as exc:  # one line for the parent to pass on, no traceback
        print(" ".join(str(exc).split()), file=sys.stderr)
        sys.exit(CHILD_INPUT_ERROR)
    except Exception as exc:  # noqa: BLE001 - any other failure: its one line, the parent reports it
        print(" ".join(f"{type(exc).__name__}: {exc}".split()), file=sys.stderr)
        sys.exit(1)
