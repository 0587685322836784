"""Files are written under a temporary name and renamed: an interrupted write leaves nothing half-written."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from rich.console import Console

from nnlessons import atomic_files
from nnlessons.run_context import Params, RunContext


def test_complete_write_lands_under_the_real_name_with_normal_permissions(tmp_path):
    path = atomic_files.write_text(tmp_path / "a.json", "{}")
    assert path.read_text() == "{}"
    assert stat.S_IMODE(path.stat().st_mode) & 0o044 == 0o044  # readable by others, like any file (not mkstemp's 0600)
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


@pytest.mark.parametrize("stop", [KeyboardInterrupt, OSError, ValueError])
def test_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, stop):
    path = tmp_path / "model.pt"
    path.write_bytes(b"old")
    with pytest.raises(stop):
        with atomic_files.atomic_path(path) as tmp:
            assert tmp.parent == tmp_path and tmp.name.endswith(".part.pt") and tmp.name.startswith(".model.")
            tmp.write_bytes(b"half of the n")
            raise stop()
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]


def make_ctx(tmp_path: Path) -> RunContext:
    return RunContext(lesson_id="t", device=None, seed=0, out_dir=tmp_path, params=Params({}),
                      console=Console(file=open(tmp_path.parent / "console.txt", "w")), show_progress=False)


def test_interrupted_figure_save_leaves_no_png_and_no_artifact(tmp_path, monkeypatch):
    ctx = make_ctx(tmp_path)
    fig = Figure()
    fig.add_subplot().plot([1, 2, 3])

    def interrupted(self, fname, **kwargs):
        Path(fname).write_bytes(b"\x89PNG half")
        raise KeyboardInterrupt

    monkeypatch.setattr(Figure, "savefig", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ctx.save_figure(fig, "curve")
    assert list(tmp_path.iterdir()) == [] and ctx.artifacts == []


def test_figure_and_text_files_are_recorded_once_written(tmp_path):
    ctx = make_ctx(tmp_path)
    fig = Figure()
    fig.add_subplot().plot([1, 2, 3])
    png = ctx.save_figure(fig, "curve")
    text = ctx.write_text("notes/summary.txt", "hello")
    assert png.read_bytes()[:4] == b"\x89PNG" and text.read_text() == "hello"
    assert ctx.artifacts == [tmp_path / "curve.png", tmp_path / "notes" / "summary.txt"]


def test_scratch_folders_are_private_and_removed(tmp_path):
    ctx = make_ctx(tmp_path)
    scratch = ctx.scratch_dir()
    (scratch / "x.png").write_bytes(b"1")
    assert not scratch.is_relative_to(tmp_path) and stat.S_IMODE(scratch.stat().st_mode) == 0o700
    ctx.remove_scratch()
    assert not scratch.exists()
