"""A run never deletes, replaces or mixes files it did not make: --out must be new or empty,
--overwrite replaces only an earlier run's own files, and a folder in use by a run is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from demo_plugins import CountingLesson
from nnlessons.cli import cli
from nnlessons.output_folder import OutputFolder, previous_run_files
from nnlessons.registry import LessonRegistry


@pytest.fixture
def invoke():
    registry = LessonRegistry()
    registry.add("counting", CountingLesson())

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["run", "counting", "--device", "cpu", *args], obj={"registry": registry},
                                  env={"COLUMNS": "200"})

    return invoke


def test_out_folder_with_a_users_file_is_refused_and_left_alone(invoke, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "holiday.png").write_bytes(b"my photo")
    result = invoke("--out", str(out))
    assert result.exit_code == 2
    assert f"Output folder '{out.resolve()}' already holds files ('holiday.png')" in result.output
    assert "--overwrite" in result.output and len(result.output.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == ["holiday.png"]
    assert (out / "holiday.png").read_bytes() == b"my photo"


def test_out_folder_holding_an_earlier_run_is_refused_without_overwrite(invoke, tmp_path):
    out = tmp_path / "run"
    assert invoke("--out", str(out)).exit_code == 0
    before = (out / "run.json").read_bytes()
    result = invoke("--out", str(out), "--seed", "5")
    assert result.exit_code == 2 and "already holds files" in result.output
    assert (out / "run.json").read_bytes() == before


def test_overwrite_replaces_the_earlier_run_as_a_whole(invoke, tmp_path):
    out = tmp_path / "run"
    assert invoke("--out", str(out)).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["run.json", "values.png"]
    result = invoke("--out", str(out), "--overwrite", "--no-plot", "--seed", "5")
    assert result.exit_code == 0, result.output
    record = json.loads((out / "run.json").read_text())
    assert record["seed"] == 5 and record["artifacts"] == []
    assert sorted(p.name for p in out.iterdir()) == ["run.json"]  # the old plot went with the old run: nothing mixed


def test_overwrite_never_deletes_a_file_the_earlier_run_did_not_save(invoke, tmp_path):
    out = tmp_path / "run"
    assert invoke("--out", str(out)).exit_code == 0
    (out / "notes.txt").write_text("mine")
    result = invoke("--out", str(out), "--overwrite")
    assert result.exit_code == 2
    assert "holds files that the earlier run did not save ('notes.txt')" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "run.json", "values.png"]


def test_overwrite_refuses_a_folder_that_is_not_a_run(invoke, tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "a.txt").write_text("x")
    result = invoke("--out", str(out), "--overwrite")
    assert result.exit_code == 2 and "no nnlessons run.json" in result.output
    assert (out / "a.txt").read_text() == "x"


def test_run_json_artifacts_outside_the_folder_are_never_deleted(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    (out / "run.json").write_text(json.dumps({"artifacts": [str(outside), "../precious.txt", "plot.png"]}))
    assert previous_run_files(out) == {Path("run.json"), Path("plot.png")}


@pytest.mark.parametrize("value", ["", "  "])
def test_empty_out_is_an_error_not_the_current_folder(invoke, tmp_path, monkeypatch, value):
    monkeypatch.chdir(tmp_path)
    result = invoke("--out", value)
    assert result.exit_code == 2 and "--out" in result.output and "is empty" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_folder_held_by_a_running_run_is_refused(invoke, tmp_path):
    out = tmp_path / "busy"
    held = OutputFolder.claim(out, "counting")  # what a run in another process holds while it works
    try:
        result = invoke("--out", str(out))
        assert result.exit_code == 2
        assert "is in use by another nnlessons run right now" in result.output
        assert list(out.iterdir()) == []
    finally:
        held.release()
    assert invoke("--out", str(out)).exit_code == 0  # free again once released


def test_out_naming_a_file_is_refused(invoke, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = invoke("--out", str(target))
    assert result.exit_code == 2 and "is a file, not a folder" in result.output
    assert target.read_text() == "x"


def test_default_folders_are_new_for_every_run(invoke, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke().exit_code == 0 and invoke().exit_code == 0  # same second: the second gets a -2 suffix
    runs = sorted((tmp_path / "nnlessons-runs").iterdir())
    assert len(runs) == 2 and all((r / "run.json").is_file() for r in runs)


def test_claim_of_an_existing_default_name_takes_the_next(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = OutputFolder.claim(None, "x")
    second = OutputFolder.claim(None, "x")
    try:
        assert first.path != second.path and first.path.parent == second.path.parent
    finally:
        first.release()
        second.release()

