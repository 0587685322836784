"""A run never deletes, replaces or mixes files it did not make: --out must be new or empty,
--overwrite replaces only an earlier run's own files (never through a link, never before run.json
is checked whole), a killed run can be replaced, and a folder in use by a run is refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from demo_plugins import CountingLesson
from nnlessons import LessonInfo, hookimpl, output_folder
from nnlessons.cli import cli
from nnlessons.output_folder import OutputFolder
from nnlessons.registry import LessonRegistry


@pytest.fixture
def invoke():
    """`nnlessons run counting --device cpu ARGS` in this process."""
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



# ---- --overwrite never reaches through a link, and checks run.json whole first -----------------

def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def earlier_run(invoke, out: Path, *artifacts) -> None:
    """A real earlier run in `out` (run.json, values.png) whose run.json then lists `artifacts` after its own."""
    assert invoke("--out", str(out)).exit_code == 0
    record = json.loads((out / "run.json").read_text())
    record["artifacts"] += list(artifacts)
    (out / "run.json").write_text(json.dumps(record))


def test_overwrite_never_deletes_through_a_symlinked_folder(invoke, tmp_path):
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text("mine")
    out = tmp_path / "run"
    earlier_run(invoke, out, "link/notes.txt")
    (out / "link").symlink_to(elsewhere)
    line = one_line_error(invoke("--out", str(out), "--overwrite"))
    assert "artifact 'link/notes.txt' is reached through the symbolic link 'link'" in line
    assert (elsewhere / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == ["link", "run.json", "values.png"]  # nothing removed


def test_overwrite_never_removes_an_artifact_that_is_a_symlink(invoke, tmp_path):
    precious = tmp_path / "precious.png"
    precious.write_text("mine")
    out = tmp_path / "run"
    earlier_run(invoke, out)
    (out / "values.png").unlink()
    (out / "values.png").symlink_to(precious)
    line = one_line_error(invoke("--out", str(out), "--overwrite"))
    assert "artifact 'values.png' is a symbolic link" in line
    assert (out / "values.png").is_symlink() and precious.read_text() == "mine" and (out / "run.json").is_file()


@pytest.mark.parametrize("target", ["file", "folder", "dangling"])
def test_a_folder_holding_only_a_symlink_is_not_empty(invoke, tmp_path, target):
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("x")
    out = tmp_path / "out"
    out.mkdir()
    (out / "link").symlink_to(tmp_path / target)
    line = one_line_error(invoke("--out", str(out)))
    assert "already holds files ('link')" in line
    assert "no nnlessons run.json" in one_line_error(invoke("--out", str(out), "--overwrite"))
    assert [p.name for p in out.iterdir()] == ["link"] and not (tmp_path / "folder" / "run.json").exists()


@pytest.mark.parametrize(("artifact", "problem"), [
    ("sub", "names a folder, not a file"),
    (".", "names the folder itself"),
    ("./", "names the folder itself"),
    ("", "is empty, not a file name"),
    ("a\0b", "holds a NUL character"),
    (5, "is a int, not a path"),
    (None, "is a NoneType, not a path"),
    ("OUTSIDE", "is outside the folder"),
    ("../precious.txt", "climbs out of the folder with '..'"),
])
def test_overwrite_checks_the_whole_run_json_before_removing_anything(invoke, tmp_path, artifact, problem):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep")
    out = tmp_path / "run"
    (out / "sub").mkdir(parents=True)
    earlier_run(invoke, out, str(precious) if artifact == "OUTSIDE" else artifact)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    line = one_line_error(invoke("--out", str(out), "--overwrite", "--seed", "5"))
    assert problem in line and "removed nothing" in line
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before  # run.json and values.png kept
    assert (out / "sub").is_dir() and precious.read_text() == "keep"


def test_overwrite_of_a_file_it_cannot_remove_removes_nothing(invoke, tmp_path, monkeypatch):
    out = tmp_path / "run"
    earlier_run(invoke, out, "plots/loss.png")
    (out / "plots").mkdir()
    (out / "plots" / "loss.png").write_text("old")
    real_access = os.access
    read_only = (out / "plots").resolve()
    monkeypatch.setattr(output_folder.os, "access",  # a read-only folder (root may write anywhere, so say so)
                        lambda path, mode: False if Path(path) == read_only else real_access(path, mode))
    line = one_line_error(invoke("--out", str(out), "--overwrite"))
    assert "holds 'plots/loss.png' of the earlier run in a read-only folder" in line and "removed nothing" in line
    assert sorted(p.name for p in out.rglob("*")) == ["loss.png", "plots", "run.json", "values.png"]


def test_a_removal_that_fails_midway_is_one_line_and_keeps_run_json(invoke, tmp_path, monkeypatch):
    out = tmp_path / "run"
    earlier_run(invoke, out)
    real_unlink = Path.unlink

    def unlink(path, missing_ok=False):
        if path.name == "values.png":
            raise PermissionError(1, "Operation not permitted")
        return real_unlink(path, missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    line = one_line_error(invoke("--out", str(out), "--overwrite"))
    assert "Could not remove 'values.png' of the earlier run" in line and "(Operation not permitted)" in line
    assert (out / "run.json").is_file()  # removed last: a second --overwrite still knows the run's files


# ---- a run killed outright (kill -9) -----------------------------------------------------------

def test_run_json_says_running_and_lists_each_artifact_while_the_run_goes_on(tmp_path):
    seen = []

    class Watching:
        @hookimpl
        def nnlessons_lesson_info(self):
            return LessonInfo(id="watching", title="Watching", summary="Reads its own run.json.")

        @hookimpl
        def nnlessons_run(self, ctx):
            seen.append(json.loads((ctx.out_dir / "run.json").read_text()))
            ctx.write_text("first.txt", "1")
            seen.append(json.loads((ctx.out_dir / "run.json").read_text()))
            return {}

    registry = LessonRegistry()
    registry.add("watching", Watching())
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "watching", "--device", "cpu", "--out", str(out), "--seed", "3"],
                                obj={"registry": registry})
    assert result.exit_code == 0, result.output
    assert [(r["status"], r["artifacts"], r["lesson"], r["seed"]) for r in seen] == [
        ("running", [], "watching", 3), ("running", ["first.txt"], "watching", 3)]
    final = json.loads((out / "run.json").read_text())
    assert final["status"] == "ok" and final["artifacts"] == ["first.txt"]


KILLED_RUN = """
import sys, time
from nnlessons import LessonInfo, hookimpl
from nnlessons.cli import cli
from nnlessons.registry import LessonRegistry

class Slow:
    @hookimpl
    def nnlessons_lesson_info(self):
        return LessonInfo(id="slow", title="Slow", summary="Killed while it writes its second file.")

    @hookimpl
    def nnlessons_run(self, ctx):
        ctx.write_text("first.txt", "saved")
        with ctx.writing("sub/second.txt") as tmp:
            tmp.write_text("half")
            print("READY", flush=True)
            time.sleep(120)
        return {}

registry = LessonRegistry()
registry.add("slow", Slow())
cli.main(["run", "slow", "--device", "cpu", "--quiet", "--out", sys.argv[1]], obj={"registry": registry})
"""


def kill_mid_run(out: Path) -> None:
    """Run a lesson in another process and kill it with SIGKILL while it writes a file: no handler runs."""
    child = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(out)], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in child.stdout:
            lines.append(line)
            if line.strip() == "READY":
                break
        else:
            raise AssertionError("the child run ended before it was killed:\n" + "".join(lines[-30:]))
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=60)
        child.stdout.close()


def test_overwrite_replaces_a_run_killed_outright(invoke, tmp_path):
    out = tmp_path / "run"
    kill_mid_run(out)
    record = json.loads((out / "run.json").read_text())
    assert record["status"] == "running" and record["lesson"] == "slow" and record["artifacts"] == ["first.txt"]
    (leftover,) = (out / "sub").iterdir()
    assert leftover.name.startswith(".second.") and leftover.name.endswith(".part.txt")  # atomic_files' temporary name
    result = invoke("--out", str(out), "--overwrite")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["run.json", "values.png"]  # sub/ went with its temporary file
    assert json.loads((out / "run.json").read_text())["status"] == "ok"


def test_a_killed_runs_folder_with_another_file_is_still_refused(invoke, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "run.json").write_text(json.dumps({"lesson": "slow", "status": "running", "artifacts": ["a.txt"]}))
    (out / "a.txt").write_text("a")
    (out / ".a.k2j4h5g1.part.txt").write_text("half")
    (out / "notes.txt").write_text("mine")
    line = one_line_error(invoke("--out", str(out), "--overwrite"))
    assert "holds files that the earlier run did not save ('notes.txt')" in line
    assert sorted(p.name for p in out.iterdir()) == [".a.k2j4h5g1.part.txt", "a.txt", "notes.txt", "run.json"]


def test_temporary_names_are_left_alone_beside_a_run_that_ended(invoke, tmp_path):
    out = tmp_path / "run"
    earlier_run(invoke, out)
    (out / ".values.k2j4h5g1.part.png").write_text("not from a killed run: its run.json says ok")
    line = one_line_error(invoke("--out", str(out), "--overwrite"))
    assert "did not save ('.values.k2j4h5g1.part.png')" in line


def test_overwrite_of_a_run_still_in_progress_is_refused(invoke, tmp_path):
    out = tmp_path / "busy"
    held = OutputFolder.claim(out, "counting")  # a run in another process holds the folder's lock while it works
    try:
        (out / "run.json").write_text(json.dumps({"lesson": "counting", "status": "running", "artifacts": []}))
        line = one_line_error(invoke("--out", str(out), "--overwrite"))
        assert "is in use by another nnlessons run right now" in line
        assert json.loads((out / "run.json").read_text())["status"] == "running"
    finally:
        held.release()
