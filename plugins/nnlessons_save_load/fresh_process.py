"""Restore both saved files in a brand-new Python process and send its predictions back.

The lesson runs ``python -m nnlessons_save_load.fresh_process WHOLE STATE INPUTS OUTPUT DEVICE``
through `restore_in_fresh_process`. Nothing of the lesson's process is shared:
the new process has its own memory, imports torch itself, and learns about the
model only from the two files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

NETS_MODULE = "nnlessons_save_load.nets"


@dataclass(frozen=True)
class FreshProcessResult:
    pid: int
    nets_imported_before_load: bool  # was the class's module loaded before torch.load? (no)
    nets_imported_after_load: bool  # ... and after loading the whole model? (yes: the file named it)
    whole_model_predictions: object  # torch.Tensor (N, 1) on the lesson's device
    state_dict_predictions: object  # torch.Tensor (N, 1)


def main(argv: list[str]) -> None:
    """Load the whole model (trusted opt-in) and the state_dict (safe), predict, save the predictions."""
    whole_path, state_path, inputs_path, output_path, device = argv
    import torch

    x = torch.load(inputs_path, map_location=device, weights_only=True)  # (N, 1)
    imported_before = NETS_MODULE in sys.modules
    whole = torch.load(whole_path, map_location=device, weights_only=False)  # we wrote this file ourselves
    imported_after = NETS_MODULE in sys.modules
    from nnlessons_save_load.storage import load_state_dict_safely

    state_model = load_state_dict_safely(Path(state_path), torch.device(device), hidden=whole.hidden.out_features)
    with torch.no_grad():
        predictions = {"whole": whole.eval()(x), "state_dict": state_model.eval()(x)}  # each (N, 1)
    torch.save(predictions, output_path)
    print(json.dumps({"pid": os.getpid(), "imported_before": imported_before, "imported_after": imported_after}))


def restore_in_fresh_process(whole: Path, state: Path, inputs: Path, output: Path, device: str) -> FreshProcessResult:
    """Run `main` in a new interpreter and read back what it computed."""
    import torch

    command = [sys.executable, "-m", "nnlessons_save_load.fresh_process", str(whole), str(state), str(inputs), str(output), device]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the fresh process failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    predictions = torch.load(output, map_location=device, weights_only=True)
    return FreshProcessResult(report["pid"], report["imported_before"], report["imported_after"],
                              predictions["whole"], predictions["state_dict"])


if __name__ == "__main__":
    main(sys.argv[1:])
