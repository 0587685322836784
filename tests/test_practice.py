"""The learner's loop through the real CLI: practice, check, hint, solution, progress, watch.

Checks run for real, in subprocesses. The exercise is a third-party lesson's (tests/demo_practice_lesson),
registered on a fresh registry, so this also shows an outside lesson's exercises work with no change to nnlessons.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from demo_plugins import CountingLesson
from nnlessons import LessonInfo, hookimpl
from nnlessons.cli import cli
from nnlessons.practice import Exercise
from nnlessons.practice.catalog import Entry
from nnlessons.practice.checker import CheckResult
from nnlessons.practice.progress import VERSION, Progress
from nnlessons.practice.watch import Watcher
from nnlessons.practice.workspace import Workspace
from nnlessons.registry import LessonRegistry
from rich.console import Console

ADD_BIAS = Exercise(
    id="add-bias", title="Add a bias", package="demo_practice_lesson", starter="add_bias.py",
    solution="solutions/add_bias.py", check="demo_practice_lesson.checks:check_add_bias",
    hints=("Broadcasting adds a (D,) tensor to every row of an (N, D) one.", "return x + b"), timeout=60,
)
LOOPING = Exercise(
    id="looping", title="A loop", package="demo_practice_lesson", starter="add_bias.py",
    solution="solutions/add_bias.py", check="demo_practice_lesson.checks:check_add_bias", hints=("a", "b"), timeout=3,
)
WRONG = "import torch\n\n\ndef add_bias(x, b):\n    return x\n"
RIGHT = "import torch\n\n\ndef add_bias(x, b):\n    return b + x\n"


class DemoLesson:
    """# Demo with exercises"""

    def __init__(self, exercises):
        self.exercises = exercises

    @hookimpl
    def nnlessons_lesson_info(self):
        return LessonInfo(id="demo", title="Demo", summary="A lesson with an exercise.", order=1)

    @hookimpl
    def nnlessons_run(self, ctx):
        return {}

    @hookimpl
    def nnlessons_exercises(self):
        return self.exercises


@pytest.fixture
def registry() -> LessonRegistry:
    registry = LessonRegistry()
    registry.add("demo", DemoLesson([ADD_BIAS, LOOPING]))
    registry.add("counting", CountingLesson())  # no exercises
    return registry


@pytest.fixture
def nn(registry, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), obj={"registry": registry}, env={"COLUMNS": "120"})

    return invoke


def learner_file(tmp_path: Path, name: str = "add_bias.py") -> Path:
    return tmp_path / "nnlessons-practice" / "demo" / name


def test_the_whole_learner_loop(nn, tmp_path):
    result = nn("practice", "demo")
    assert result.exit_code == 0, result.output
    mine = learner_file(tmp_path)
    assert "raise NotImplementedError" in mine.read_text()
    assert "First: demo/add-bias" in result.output and "nnlessons check" in result.output

    result = nn("check")  # the next unfinished exercise
    assert result.exit_code == 1 and "not implemented yet" in result.output

    mine.write_text(WRONG)
    result = nn("check", "demo/add-bias")
    assert result.exit_code == 1
    assert "Likely mistake: the bias is missing: the result equals x." in result.output
    assert "differs from PyTorch" in result.output and "Case: 1 rows of 1" in result.output

    result = nn("hint", "demo/add-bias")
    assert result.exit_code == 0 and "Hint 1 of 2: Broadcasting" in result.output

    result = nn("solution", "demo/add-bias")
    assert result.exit_code == 2 and "opens once your code passes" in result.output and "return x + b" not in result.output

    mine.write_text(RIGHT)
    result = nn("check", "demo/add-bias")
    assert result.exit_code == 0 and "passed" in result.output and "3 cases matched" in result.output

    result = nn("solution", "demo/add-bias")  # not a terminal: only the code, for scripts and editors
    assert result.exit_code == 0 and result.output == ADD_BIAS.solution_text()

    result = nn("progress", "--json")
    demo = next(row for row in json.loads(result.output)["lessons"] if row["lesson"] == "demo")
    assert demo["passed"] == 1 and demo["exercises"] == 2 and demo["hints_used"] == 1 and demo["revealed"] == 0
    details = demo["exercise_details"]["demo/add-bias"]
    assert details["attempts"] == 3 and details["passed"] and details["first_passed_at"]


def test_check_json_and_exit_codes(nn, tmp_path):
    nn("practice", "demo")
    learner_file(tmp_path).write_text(WRONG)
    result = nn("check", "demo/add-bias", "--json")
    assert result.exit_code == 1
    [row] = json.loads(result.stdout)
    assert row["exercise"] == "demo/add-bias" and row["status"] == "failed"
    assert row["mistake"] == "the bias is missing: the result equals x." and row["details"]["inputs"].startswith("x=tensor")
    assert nn("check", "demo/nope").exit_code == 2
    assert nn("check", "counting").exit_code == 2  # a lesson without exercises


def test_practice_never_overwrites_and_reset_saves_the_learners_version(nn, tmp_path):
    nn("practice", "demo")
    mine = learner_file(tmp_path)
    mine.write_text(WRONG)
    result = nn("practice", "demo", "--json")
    rows = json.loads(result.stdout)
    assert rows[0]["written"] is False and mine.read_text() == WRONG
    result = nn("practice", "demo", "--reset", "add-bias")
    assert result.exit_code == 0 and "your version is saved as" in result.output
    saved = [p for p in mine.parent.iterdir() if ".saved-" in p.name]
    assert len(saved) == 1 and saved[0].read_text() == WRONG
    assert "NotImplementedError" in mine.read_text()


def test_reveal_is_recorded(nn, tmp_path):
    nn("practice", "demo")
    result = nn("solution", "demo/add-bias", "--reveal")
    assert result.exit_code == 0 and "return x + b" in result.output
    progress = json.loads(nn("progress", "--json").output)
    demo = next(row for row in progress["lessons"] if row["lesson"] == "demo")
    assert demo["revealed"] == 1


def test_an_endless_loop_is_stopped_with_a_message(nn, tmp_path):
    nn("practice", "demo")
    learner_file(tmp_path, "add_bias.py").write_text("def add_bias(x, b):\n    while True:\n        pass\n")
    result = nn("check", "demo/looping", "--json")
    [row] = json.loads(result.stdout)
    assert result.exit_code == 1 and row["status"] == "timeout" and "stopped after 3 s" in row["message"]


def test_a_syntax_error_shows_the_learners_file_and_line(nn, tmp_path):
    nn("practice", "demo")
    mine = learner_file(tmp_path)
    mine.write_text("import torch\n\ndef add_bias(x, b)\n    return x + b\n")
    [row] = json.loads(nn("check", "demo/add-bias", "--json").stdout)
    assert row["status"] == "error" and "SyntaxError" in row["traceback"]
    assert str(mine.resolve()) in row["traceback"] and "line 3" in row["traceback"]
    assert "nnlessons/practice" not in row["traceback"]  # nnlessons' internals never appear


def test_an_error_in_the_learners_code_shows_their_frames_only(nn, tmp_path):
    nn("practice", "demo")
    mine = learner_file(tmp_path)
    mine.write_text("import torch\n\ndef helper(x):\n    return x[:, 99]\n\ndef add_bias(x, b):\n    return helper(x) + b\n")
    [row] = json.loads(nn("check", "demo/add-bias", "--json").stdout)
    assert row["status"] == "error" and row["case"] == "1 rows of 1" and "IndexError" in row["traceback"]
    assert "line 4, in helper" in row["traceback"] and "line 7, in add_bias" in row["traceback"]
    assert "checks.py" not in row["traceback"] and "compare.py" not in row["traceback"]


def test_stray_modules_in_the_current_folder_are_not_imported(nn, tmp_path):
    nn("practice", "demo")
    learner_file(tmp_path).write_text(RIGHT)
    (tmp_path / "torch.py").write_text("raise SystemExit('the stray torch.py was imported')\n")
    (tmp_path / "json.py").write_text("raise SystemExit('the stray json.py was imported')\n")
    result = nn("check", "demo/add-bias")
    assert result.exit_code == 0, result.output


def test_corrupt_or_newer_progress_is_moved_aside_not_dropped(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text("{not json")
    progress = Progress.load(path)
    assert progress.exercises == {} and "moved to progress.json.unreadable-" in progress.notice
    assert [p for p in tmp_path.iterdir() if p.name.startswith("progress.json.unreadable-")][0].read_text() == "{not json"
    path.write_text(json.dumps({"version": VERSION + 1, "exercises": {}}))
    assert "newer nnlessons" in Progress.load(path).notice and not path.exists()


def test_progress_round_trip(tmp_path):
    progress = Progress(tmp_path / "p.json")
    progress.record_check("demo/add-bias", passed=False)
    progress.record_check("demo/add-bias", passed=True)
    progress.record_run("demo")
    progress.save()
    again = Progress.load(tmp_path / "p.json")
    assert again.exercises["demo/add-bias"].attempts == 2 and again.exercises["demo/add-bias"].passed
    assert again.lessons_run["demo"]["runs"] == 1 and again.notice is None


def test_a_lesson_run_is_recorded_in_progress(tmp_path, monkeypatch):
    registry = LessonRegistry()
    registry.add("counting", CountingLesson())
    monkeypatch.setenv("NNLESSONS_WORKSPACE", str(tmp_path / "ws"))
    result = CliRunner().invoke(cli, ["run", "counting", "--device", "cpu", "--out", str(tmp_path / "o")], obj={"registry": registry})
    assert result.exit_code == 0, result.output
    progress = Progress.load(tmp_path / "ws" / ".nnlessons-progress.json")
    assert progress.lessons_run["counting"]["runs"] == 1


def test_watch_rechecks_on_save_and_moves_on_after_a_pass(tmp_path):
    registry = LessonRegistry()
    registry.add("demo", DemoLesson([ADD_BIAS, ADD_BIAS.__class__(**{**vars(ADD_BIAS), "id": "second", "starter": "add_bias.py"})]))
    from nnlessons.practice import catalog

    entries = catalog.all_exercises(registry)
    space = Workspace(tmp_path)
    space.write_starters(entries)
    progress = Progress(tmp_path / "p.json")
    times = iter([1.0, 1.0, 2.0, 2.0, 2.0])  # the file's mtime at each look: a save between the 2nd and 3rd look
    keys = iter([None, "h", None, "q"])
    checked: list[str] = []

    def fake_check(entry: Entry) -> CheckResult:
        checked.append(entry.full_id)
        passed = len(checked) >= 2
        if passed:
            progress.record_check(entry.full_id, True)
        return CheckResult(entry.full_id, entry.exercise.title, "f", "passed" if passed else "failed", "m")

    console = Console(file=open(tmp_path / "screen.txt", "w"), width=100)
    watcher = Watcher(entries, space, progress, console, check=fake_check, mtime=lambda _p: next(times))
    watcher.run(entries[0], read_key=lambda _s: next(keys), max_polls=10)
    console.file.close()
    screen = (tmp_path / "screen.txt").read_text()
    # once at the start, once after the save, then the next exercise's status at once, without a save
    assert checked == ["demo/add-bias", "demo/add-bias", "demo/second"]
    assert "Watching demo/second" in screen and "Hint 1 of 2" in screen and "Stopped watching." in screen


@pytest.mark.parametrize("args", [["hint", "gd-variants/mse-gradient"], ["progress"], ["practice"], ["practice", "--json"]])
def test_fast_practice_commands_do_not_import_torch(args, tmp_path):
    probe = ("import sys\nfrom nnlessons.cli import cli\n"
             "try:\n    cli.main(sys.argv[1:], prog_name='nnlessons', standalone_mode=False)\n"
             "finally:\n    print('TORCH=' + str('torch' in sys.modules), file=sys.stderr)\n")
    env = {"NNLESSONS_WORKSPACE": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "TORCH=False" in result.stderr


# ---- issue 18: the commands a learner types most --------------------------------------------------


def test_hint_with_no_exercise_is_for_the_current_one(nn, tmp_path):
    nn("practice", "demo")
    result = nn("hint")
    assert result.exit_code == 0 and "Hint 1 of 2: Broadcasting" in result.output, result.output
    assert nn("hint", "--workspace", str(tmp_path / "empty")).exit_code == 2


def test_next_writes_and_opens_the_next_unfinished_exercise(nn, tmp_path):
    result = nn("next")
    assert result.exit_code == 0, result.output
    assert "Next: demo/add-bias  Add a bias  (core, about 10 min)" in result.output
    assert learner_file(tmp_path).exists() and "nnlessons check" in result.output


def test_check_takes_the_learners_file_path(nn, tmp_path):
    nn("practice", "demo")
    learner_file(tmp_path).write_text(RIGHT)
    result = nn("check", "nnlessons-practice/demo/add_bias.py")
    assert result.exit_code == 0 and "passed" in result.output, result.output
    elsewhere = tmp_path / "copy" / "demo" / "add_bias.py"  # a copy outside the practice folder: that file is checked
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_text(WRONG)
    result = nn("check", str(elsewhere))
    assert result.exit_code == 1 and "the bias is missing" in result.output
    for bad, words in ((tmp_path / "nope.py", "There is no file"), (tmp_path / "copy" / "demo" / "other.py", "no exercise in a file")):
        if "other" in bad.name:
            bad.write_text("x = 1\n")
        result = nn("check", str(bad))
        assert result.exit_code == 2 and words in result.output, result.output


class LaterLesson(DemoLesson):
    @hookimpl
    def nnlessons_lesson_info(self):
        return LessonInfo(id="later", title="A later lesson", summary="Comes after demo.", order=2)


def test_a_finished_lesson_names_the_next_lesson_in_course_order(tmp_path, monkeypatch):
    registry = LessonRegistry()
    registry.add("demo", DemoLesson([ADD_BIAS]))
    registry.add("later", LaterLesson([ADD_BIAS]))
    monkeypatch.chdir(tmp_path)

    def nn(*args):
        return CliRunner().invoke(cli, list(args), obj={"registry": registry}, env={"COLUMNS": "120"})

    nn("practice", "demo")
    learner_file(tmp_path).write_text(RIGHT)
    result = nn("check", "demo/add-bias")
    assert result.exit_code == 0
    assert "Every exercise of demo passes. Next in the course: nnlessons practice later (A later lesson)." in result.output
    assert "Next in the course: nnlessons practice later" in nn("practice", "demo").output


def test_reset_puts_back_every_file_practice_shows_and_copies_only_edited_ones(nn, tmp_path):
    nn("practice", "demo")
    mine = learner_file(tmp_path)
    mine.write_text(WRONG)
    result = nn("practice", "demo", "--reset")
    assert result.exit_code == 0, result.output
    assert "Put the starter of demo/add-bias back" in result.output and "your version is saved as" in result.output
    assert "Put the starter of demo/looping back" in result.output and "unedited: no copy kept" in result.output
    saved = sorted(p.name for p in mine.parent.iterdir() if ".saved-" in p.name)
    assert len(saved) == 1 and saved[0].startswith("add_bias.saved-")
    assert mine.read_text() == ADD_BIAS.starter_text()
    assert nn("practice", "--reset").exit_code == 2  # no lesson named: which files?


def test_the_verdict_is_never_cut_at_80_columns():
    from nnlessons.practice import report

    for status in ("passed", "failed", "timeout"):
        result = CheckResult("a-rather-long-lesson-id/an-even-longer-exercise-id",
                             "A title long enough to fill a narrow terminal on its own, and then some more", "f.py",
                             status, "message")
        console = Console(width=80, record=True, file=open("/dev/null", "w"))
        console.print(report.panel(result, "f.py"))
        first_line = console.export_text().splitlines()[0]
        assert report.LABEL[status] in first_line, first_line


def test_watch_redraws_in_a_terminal_and_says_when_hints_run_out(tmp_path):
    from nnlessons.practice import catalog

    registry = LessonRegistry()
    registry.add("demo", DemoLesson([ADD_BIAS]))
    entries = catalog.all_exercises(registry)
    space = Workspace(tmp_path)
    space.write_starters(entries)
    progress = Progress(tmp_path / "p.json")
    times = iter([1.0, 2.0, 3.0, 3.0, 3.0, 3.0])
    keys = iter([None, None, "h", "h", "h", "q"])

    def fake_check(entry: Entry) -> CheckResult:
        return CheckResult(entry.full_id, entry.exercise.title, "f", "failed", "still wrong")

    console = Console(file=open(tmp_path / "screen.txt", "w"), width=100, force_terminal=True)
    Watcher(entries, space, progress, console, check=fake_check, mtime=lambda _p: next(times)).run(
        entries[0], read_key=lambda _s: next(keys), max_polls=10)
    console.file.close()
    screen = (tmp_path / "screen.txt").read_text()
    assert screen.count("\x1b[2J") >= 3, "each check redraws the screen: the new panel replaces the old"
    assert "Hint 2 of 2" in screen and "No more hints for demo/add-bias" in screen


def test_practice_commands_do_not_import_the_cli():
    """cli imports the practice commands and adds them; they never import cli back (no import circle)."""
    import ast

    for module in ("commands", "watch", "catalog", "checker", "report", "workspace", "progress"):
        source = (Path(__file__).parent.parent / "nnlessons" / "practice" / f"{module}.py").read_text()
        imported = {node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import)
                     for alias in node.names}
        assert "nnlessons.cli" not in imported, f"nnlessons/practice/{module}.py imports nnlessons.cli"
