"""The progress file (nnlessons.practice.progress): no lost update, strict types, unwritable places, results kept at once.

Checks are faked (`commands.run_check` is replaced), so these tests run no torch; the real checks
run in tests/test_practice.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from nnlessons import LessonInfo, hookimpl
from nnlessons.cli import cli
from nnlessons.practice import Exercise, commands
from nnlessons.practice.checker import CheckResult
from nnlessons.practice.progress import VERSION, Progress, path_for, record_lesson_run, updating
from nnlessons.registry import LessonRegistry

HINTED = Exercise(
    id="add-bias", title="Add a bias", package="demo_practice_lesson", starter="add_bias.py",
    solution="solutions/add_bias.py", check="demo_practice_lesson.checks:check_add_bias", hints=("first", "second"),
)
MORE = [Exercise(id=f"ex-{n}", title=f"Exercise {n}", package="demo_practice_lesson", starter=f"ex{n}.py",
                 solution="solutions/add_bias.py", check="demo_practice_lesson.checks:check_add_bias") for n in range(1, 6)]


class DemoLesson:
    """# Demo"""

    @hookimpl
    def nnlessons_lesson_info(self):
        return LessonInfo(id="demo", title="Demo", summary="Exercises only.", order=1)

    @hookimpl
    def nnlessons_run(self, ctx):
        return {}

    @hookimpl
    def nnlessons_exercises(self):
        return [HINTED, *MORE]


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Path:
    """A workspace holding every exercise file; NNLESSONS_WORKSPACE points at it."""
    monkeypatch.chdir(tmp_path)
    workspace = tmp_path / "ws"
    for exercise in [HINTED, *MORE]:
        (workspace / "demo").mkdir(parents=True, exist_ok=True)
        (workspace / "demo" / exercise.file_name).write_text("def f():\n    pass\n")
    monkeypatch.setenv("NNLESSONS_WORKSPACE", str(workspace))
    return workspace


@pytest.fixture
def nn():
    registry = LessonRegistry()
    registry.add("demo", DemoLesson())

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), obj={"registry": registry}, env={"COLUMNS": "200"})

    return invoke


def fake_check(monkeypatch, during=None, status: str = "passed"):
    """Replace the real check: each returns `status`; `during(full_id)` runs while a check runs."""
    def run_check(full_id, exercise, learner, **_options):
        if during:
            during(full_id)
        return CheckResult(full_id, exercise.title, str(learner), status, "faked")

    monkeypatch.setattr(commands, "run_check", run_check)


def unreadable_copies(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".unreadable-" in p.name]


# ---- 1. concurrent changes never lose each other ------------------------------------------------

HAMMER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from nnlessons.practice.progress import updating
    path, go, name, n = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    while not go.exists():
        time.sleep(0.001)
    for _ in range(n):
        with updating(path) as progress:
            progress.record_check("demo/shared", passed=False)
            progress.record_check(name, passed=False)
""")


def test_two_processes_updating_at_once_lose_no_update(tmp_path):
    path, go, n = tmp_path / "progress.json", tmp_path / "go", 150
    writers = [subprocess.Popen([sys.executable, "-c", HAMMER, str(path), str(go), f"demo/{name}", str(n)])
               for name in ("a", "b")]
    go.touch()  # both start hammering at once
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    exercises = Progress.load(path).exercises
    assert exercises["demo/shared"].attempts == 2 * n
    assert exercises["demo/a"].attempts == n and exercises["demo/b"].attempts == n


def test_a_reveal_and_another_check_made_while_a_check_runs_are_kept(ws, nn, monkeypatch):
    def meanwhile(full_id):  # another terminal: `solution --reveal` of an exercise, and a check of this one
        assert nn("solution", "demo/ex-2", "--reveal").exit_code == 0
        with updating(path_for(None)) as other:
            other.record_check(full_id, passed=False)

    fake_check(monkeypatch, during=meanwhile)
    result = nn("check", "demo/add-bias")
    assert result.exit_code == 0, result.output
    exercises = Progress.load(path_for(None)).exercises
    assert exercises["demo/ex-2"].revealed  # the check saved after the reveal: it used to write its stale copy over it
    assert exercises["demo/add-bias"].attempts == 2 and exercises["demo/add-bias"].passed


# ---- 2. wrong field types: moved aside like a corrupt file --------------------------------------

BAD = {
    "attempts is a string": {"exercises": {"demo/add-bias": {"attempts": "x"}}},
    "passed is a string": {"exercises": {"demo/add-bias": {"passed": "no"}}},
    "revealed is a number": {"exercises": {"demo/add-bias": {"revealed": 1}}},
    "attempts is a bool": {"exercises": {"demo/add-bias": {"attempts": True}}},
    "hints_used is negative": {"exercises": {"demo/add-bias": {"hints_used": -1}}},
    "first_passed_at is a number": {"exercises": {"demo/add-bias": {"first_passed_at": 5}}},
    "exercises is a list": {"exercises": ["demo/add-bias"]},
    "an entry is not an object": {"exercises": {"demo/add-bias": "passed"}},
    "an entry has an unknown key": {"exercises": {"demo/add-bias": {"passed": True, "colour": "red"}}},
    "an unknown top-level key": {"exercises": {}, "extra": 1},
    "runs is a string": {"lessons_run": {"demo": {"runs": "3", "last_run_at": None}}},
    "runs is a bool": {"lessons_run": {"demo": {"runs": True}}},
    "a lesson run is a number": {"lessons_run": {"demo": 3}},
    "version is a bool": {"version": True},
}


@pytest.mark.parametrize("content", BAD.values(), ids=BAD.keys())
def test_wrong_field_types_are_moved_aside_like_a_corrupt_file(tmp_path, content):
    path = tmp_path / "progress.json"
    text = json.dumps({"version": VERSION, **content})
    path.write_text(text)
    progress = Progress.load(path)
    assert progress.exercises == {} and progress.lessons_run == {}
    assert "moved to progress.json.unreadable-" in progress.notice and "could not be read" in progress.notice
    [aside] = unreadable_copies(tmp_path)
    assert aside.read_text() == text and not path.exists()


def test_a_file_that_is_not_utf8_is_moved_aside(tmp_path):
    path = tmp_path / "progress.json"
    path.write_bytes(b'{"version": 1, "exercises": {"\xff": {}}}')
    assert "moved to" in Progress.load(path).notice and unreadable_copies(tmp_path)


def test_a_string_never_unlocks_the_solution_and_later_commands_are_quiet(ws, nn):
    path = path_for(None)
    path.write_text(json.dumps({"version": VERSION, "exercises": {"demo/add-bias": {"passed": "no", "attempts": 1}}}))
    result = nn("solution", "demo/add-bias")
    assert result.exit_code == 2 and "opens once your code passes" in result.output
    assert "moved to" in result.output and "Traceback" not in result.output
    later = nn("progress")
    assert later.exit_code == 0 and "moved to" not in later.output


def test_an_older_file_with_fields_left_out_still_loads(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"version": 1, "exercises": {"demo/add-bias": {"passed": True}}, "lessons_run": {"demo": {"runs": 2}}}))
    progress = Progress.load(path)
    assert progress.notice is None and progress.exercises["demo/add-bias"].passed and progress.lessons_run["demo"]["runs"] == 2


# ---- 3. a place progress cannot be written --------------------------------------------------------


@pytest.fixture
def unwritable(tmp_path, monkeypatch) -> Path:
    """Progress kept at a path whose parent is a regular file: every write fails (ENOTDIR), even as root."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    path = blocker / "progress.json"
    monkeypatch.setattr(commands, "path_for", lambda _workspace: path)
    return path


@pytest.mark.parametrize("status, code", [("passed", 0), ("failed", 1)])
def test_the_check_result_is_shown_when_progress_cannot_be_saved(ws, nn, monkeypatch, unwritable, status, code):
    fake_check(monkeypatch, status=status)
    result = nn("check", "demo/add-bias")
    assert result.exit_code == code and not isinstance(result.exception, OSError), result.output
    assert "faked" in result.output and "Traceback" not in result.output  # the result panel
    assert result.output.count("Progress could not be saved") == 1 and "Not a directory" in result.output
    result = nn("check", "--all", "--json")  # several results: still one line, on stderr; stdout stays JSON
    assert result.exit_code == code and len(json.loads(result.stdout)) == 6
    assert result.stderr.count("Progress could not be saved") == 1


def test_hint_and_reveal_are_shown_when_progress_cannot_be_saved(ws, nn, unwritable):
    result = nn("hint", "demo/add-bias")
    assert result.exit_code == 0 and "Hint 1 of 2: first" in result.output and "Progress could not be saved" in result.output
    result = nn("solution", "demo/add-bias", "--reveal")
    assert result.exit_code == 0 and "return x + b" in result.output and "Progress could not be saved" in result.output


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into a read-only folder anyway; "
                    "test_the_check_result_is_shown_when_progress_cannot_be_saved covers this with ENOTDIR")
def test_a_read_only_workspace_still_shows_the_result(ws, nn, monkeypatch):
    fake_check(monkeypatch)
    ws.chmod(0o555)
    try:
        result = nn("check", "demo/add-bias")
    finally:
        ws.chmod(0o755)
    assert result.exit_code == 0 and "passed" in result.output and "Progress could not be saved" in result.output


def test_a_lesson_run_that_cannot_be_recorded_says_so(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("NNLESSONS_WORKSPACE", str(tmp_path / "a-file" / "ws"))
    assert "Progress could not be saved" in record_lesson_run("demo")


def test_a_progress_path_that_is_a_folder_is_refused_in_one_line(ws, nn, monkeypatch):
    fake_check(monkeypatch)
    path_for(None).mkdir()
    for args in (["check", "demo/add-bias"], ["progress"], ["hint", "demo/add-bias"]):
        result = nn(*args)
        assert result.exit_code == 2 and "is a folder" in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_a_progress_path_that_is_a_symlink_is_written_through(ws, nn, tmp_path, monkeypatch):
    fake_check(monkeypatch)
    real = tmp_path / "synced" / "mine.json"
    real.parent.mkdir()
    path_for(None).symlink_to(real)
    assert nn("hint", "demo/add-bias").exit_code == 0
    assert nn("check", "demo/add-bias").exit_code == 0
    assert path_for(None).is_symlink()
    entry = json.loads(real.read_text())["exercises"]["demo/add-bias"]
    assert entry["hints_used"] == 1 and entry["passed"] and entry["attempts"] == 1


# ---- 4. each result is recorded as soon as its check finishes ----------------------------------------


def test_ctrl_c_during_check_all_keeps_the_results_already_checked(ws, nn, monkeypatch):
    done: list[str] = []

    def interrupt_the_third(full_id):
        if len(done) == 2:
            raise KeyboardInterrupt
        done.append(full_id)

    fake_check(monkeypatch, during=interrupt_the_third)
    result = nn("check", "--all")
    assert result.exit_code != 0
    exercises = Progress.load(path_for(None)).exercises
    assert sorted(exercises) == sorted(done) and all(e.passed and e.attempts == 1 for e in exercises.values())
