"""The public test helpers of `nnlessons.testing`, loaded as a pytest plugin through its ``pytest11`` entry point.

The helpers must pass what they claim to check and fail, with a message, what they claim to refuse.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nnlessons.testing
from demo_plugins import BadInputLesson, CountingLesson, FailingLesson, NoRunHook
from nnlessons import LessonInfo, LessonInputError, Option, hookimpl
from nnlessons.testing import LessonRunner


class RangeLesson:
    """A lesson with a rule between two options, checked before anything is made."""

    @hookimpl
    def nnlessons_lesson_info(self) -> LessonInfo:
        return LessonInfo(id="range", title="Range", summary="Sums low..high.", options=(
            Option("low", int, 0, "First number.", min=0, max=100),
            Option("high", int, 10, "Last number.", min=0, max=100),
        ))

    @hookimpl
    def nnlessons_check_params(self, params):
        if params["low"] > params["high"]:
            raise LessonInputError(f"--low {params['low']} is above --high {params['high']}; give --low at most --high.")

    @hookimpl
    def nnlessons_run(self, ctx):
        return {"total": sum(range(ctx.params.low, ctx.params.high + 1))}


def test_the_plugin_is_loaded_through_its_entry_point(request) -> None:
    """pytest names a plugin from an entry point after the entry point: ``nnlessons = "nnlessons.testing"``."""
    assert request.config.pluginmanager.get_plugin("nnlessons") is nnlessons.testing


def test_run_lesson_returns_the_record_output_and_folder(run_lesson, tmp_path: Path) -> None:
    run = run_lesson(CountingLesson(), "--steps", "3", env={"COLUMNS": "200"})
    assert run.exit_code == 0 and run.status == "ok" and run.error is None
    assert run.out_dir == tmp_path / "counting-run"
    assert dict(run) == json.loads((run.out_dir / "run.json").read_text())
    assert run["device"] == "cpu" and run["quick"] is True
    assert run.params["steps"] == 3 and run.metrics["steps"] == 3 and run.timings == {}
    assert run.artifacts == [run.out_dir / "values.png"] and run.artifacts[0].is_file()
    assert "Run settings" in run.output and "Re-run with: nnlessons run counting" in run.output
    again = run_lesson(CountingLesson(), quick=False)
    assert again.out_dir == tmp_path / "counting-run-2" and again.params["steps"] == 5 and again["quick"] is False


def test_run_lesson_keeps_progress_out_of_the_users_data_folder(run_lesson, private_user_folders: Path,
                                                                 tmp_path: Path) -> None:
    run_lesson(CountingLesson())
    assert not list(private_user_folders.rglob("*.json"))
    progress = json.loads((tmp_path / "nnlessons-progress" / ".nnlessons-progress.json").read_text())
    assert "counting" in json.dumps(progress)


def test_run_lesson_with_overwrite_replaces_the_previous_run(run_lesson) -> None:
    first = run_lesson(CountingLesson(), "--steps", "4")
    second = run_lesson(CountingLesson(), "--steps", "3", "--overwrite")
    assert second.out_dir == first.out_dir and second.params["steps"] == 3


def test_run_lesson_takes_an_out_folder_from_the_arguments(run_lesson, tmp_path: Path) -> None:
    run = run_lesson(CountingLesson(), "--out", str(tmp_path / "mine"))
    assert run.out_dir == tmp_path / "mine" and (tmp_path / "mine" / "run.json").is_file()


def test_run_lesson_finds_an_installed_lesson_by_id(run_lesson) -> None:
    run = run_lesson("gd-variants", "--epochs", "2")
    assert run["lesson"] == "gd-variants" and run.params["epochs"] == 2


def test_run_lesson_fails_the_test_on_a_failed_run_unless_told_not_to(run_lesson) -> None:
    with pytest.raises(AssertionError, match=r"exit code 1 and status 'failed'(.|\n)*ZeroDivisionError"):
        run_lesson(FailingLesson())
    run = run_lesson(FailingLesson(), check=False)
    assert run.exit_code == 1 and run.status == "failed" and "division by zero in step 3" in run.error


def test_a_broken_plugin_is_named(run_lesson) -> None:
    with pytest.raises(AssertionError, match="is broken: invalid plugin: missing hook nnlessons_run"):
        run_lesson(NoRunHook())
    with pytest.raises(AssertionError, match="is not a lesson plugin"):
        run_lesson(object())


# ---- expect_usage_error ----------------------------------------------------------------------


def test_expect_usage_error_accepts_a_bad_option_and_a_rule_between_options(expect_usage_error) -> None:
    run = expect_usage_error(CountingLesson(), "--steps", "0", message="0 is not in the range 1<=x<=100")
    assert not run.out_dir.exists() and run == {}
    run = expect_usage_error(RangeLesson(), "--low", "5", "--high", "2", message="--low 5 is above --high 2")
    assert run.output.strip() == "Error: --low 5 is above --high 2; give --low at most --high."
    assert not run.out_dir.exists()


def test_expect_usage_error_accepts_an_error_found_during_the_run_only_when_told(expect_usage_error) -> None:
    with pytest.raises(AssertionError, match="the refused run wrote into"):
        expect_usage_error(BadInputLesson(), message="missing the column 'actual'")
    run = expect_usage_error(BadInputLesson(), message="missing the column 'actual'", writes_nothing=False)
    assert run.status == "failed" and "missing the column 'actual'" in run.error


def test_expect_usage_error_fails_a_run_that_is_not_refused_or_says_something_else(expect_usage_error) -> None:
    with pytest.raises(AssertionError, match="expected exit code 2 .* got 0"):
        expect_usage_error(RangeLesson(), "--low", "1", message="above")
    with pytest.raises(AssertionError, match="expected exit code 2 .* got 1"):
        expect_usage_error(FailingLesson(), message="division")
    with pytest.raises(AssertionError, match="the error does not say 'above --low'"):
        expect_usage_error(RangeLesson(), "--low", "5", "--high", "2", message="above --low")


def test_expect_usage_error_checks_a_given_out_folder_is_left_as_it_was(tmp_path: Path) -> None:
    runner = LessonRunner(tmp_path / "runs")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    run = runner.expect_usage_error(CountingLesson(), "--out", str(mine), message="--out")
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"] and run.out_dir == mine


# ---- check_exercise --------------------------------------------------------------------------


def test_check_exercise_runs_the_check_on_code_as_the_learners_file(check_exercise) -> None:
    from nnlessons.practice import catalog
    from nnlessons.registry import LessonRegistry

    entry = catalog.all_exercises(LessonRegistry.from_entry_points())[0]
    assert check_exercise(entry.exercise, entry.exercise.starter_text())["status"] == "todo"
    assert check_exercise(entry.exercise, entry.exercise.solution_text())["status"] == "passed"
    assert check_exercise(entry.exercise, "this is not python")["status"] == "error"
