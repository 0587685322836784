"""Shared fixtures: run a lesson in-process through the real CLI and the real entry points."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from nnlessons.cli import cli


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory, monkeypatch):
    """Progress and other per-user files go to a fresh folder, never the real user's data folder."""
    home = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.delenv("NNLESSONS_WORKSPACE", raising=False)
    return home


@pytest.fixture
def run_lesson(tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """Run ``nnlessons run LESSON --device cpu --json --out tmp ARGS...`` and return the run record.

    Defaults to ``--quick``; pass ``quick=False`` for a default-size run.
    The record's ``out_dir`` key is the run folder.
    """

    runs = iter(range(1, 1000))

    def run(lesson_id: str, *args: str, quick: bool = True) -> dict[str, Any]:
        out = tmp_path / f"{lesson_id}-run{'-' + str(n) if (n := next(runs)) > 1 else ''}"  # a new folder per run
        if "--overwrite" in args:
            out = tmp_path / f"{lesson_id}-run"  # replacing the first run in its folder
        argv = ["run", lesson_id, "--device", "cpu", "--json", "--out", str(out), *args]
        if quick:
            argv.append("--quick")
        result = CliRunner().invoke(cli, argv, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        record = json.loads(result.stdout)
        assert json.loads((out / "run.json").read_text()) == record
        record["out_dir"] = out
        return record

    return run


@pytest.fixture
def one_cpu_thread():
    """torch on one CPU thread for the test, as tiny-model lessons run (LessonInfo.cpu_threads=1)."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
