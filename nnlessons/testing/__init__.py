"""Test a lesson the way the bundled lessons are tested: a pytest plugin and the helpers behind it.

Installing nnlessons installs this pytest plugin (through pytest's ``pytest11`` entry point), so
every test of a lesson package can ask for these fixtures, with no import and no ``conftest.py``:

| fixture | what it does |
| --- | --- |
| `run_lesson(lesson, *args)` | runs ``nnlessons run`` in the test's process and returns the [`LessonRun`][nnlessons.testing.lesson_runs.LessonRun]: ``run.json`` as a dict, ``out_dir``, ``output``, ``exit_code`` |
| `expect_usage_error(lesson, *args, message=...)` | runs it and requires exit code 2 with one ``Error:`` line saying `message`, no traceback, and nothing written |
| `check_device_placement(lesson, *args)` | runs it on the CPU and requires that ``--device cuda`` would keep every tensor on the device |
| `check_exercise(exercise, code)` | runs an exercise's check on `code` as ``nnlessons check`` would; returns the result dict |

`lesson` is an installed lesson's id (``"my-lesson"``, found through its entry point) or its
plugin module (``import nnlessons_my_lesson``), which is registered on a fresh registry, so the
tests pass before the package is installed too. Each run gets ``--device cpu``, ``--quick`` and a
new ``--out`` folder under the test's ``tmp_path`` unless the arguments say otherwise
(``quick=False`` runs the default size; with ``--overwrite`` among the arguments the run reuses
the folder of the lesson's previous run, to test replacing it). The runs' progress is kept there
too, never in the user's data folder. A test of a lesson checks its claims from the numbers::

    import nnlessons_my_lesson as lesson
    from nnlessons_my_lesson.exercises import EXERCISES


    def test_the_weight_reaches_2(run_lesson):
        run = run_lesson(lesson, "--lr", "0.5")
        assert run.status == "ok" and abs(run.metrics["final_weight"] - 2) < 1e-2
        assert (run.out_dir / "loss.png").exists() and "dL/dw autograd" in run.output


    def test_a_bad_option_is_refused(expect_usage_error):
        expect_usage_error(lesson, "--lr", "0", message="Invalid value for '--lr'")


    def test_a_rule_between_options_is_refused_before_anything_is_written(expect_usage_error):
        expect_usage_error(lesson, "--x-min", "2", "--x-max", "1", message="--x-min 2 is not below --x-max 1")


    def test_every_tensor_stays_on_the_device(check_device_placement):
        check_device_placement(lesson)


    def test_the_reference_solution_passes(check_exercise):
        assert check_exercise(EXERCISES[0], EXERCISES[0].solution_text())["status"] == "passed"

What ``expect_usage_error`` requires: exit code 2, no traceback, and the last line printed is
the only ``Error: ...`` line, containing `message` (a plain substring). With the default
``writes_nothing=True`` the ``--out`` folder must be as it was (not made at all), which is what
a bad option value and a rule of the ``nnlessons_check_params`` hook give; for an error found
during the run pass ``writes_nothing=False``, and ``run.json`` must then say ``failed`` with that
sentence.

What ``check_device_placement`` proves, and how, is in
[`nnlessons.testing.device_placement`][nnlessons.testing.device_placement]. It reports each
problem with the line of lesson code; a lesson that moves every DataLoader batch to the device
on purpose names that function: ``check_device_placement(lesson, batch_copies_in=["model.py:train_one_epoch"])``.

Outside pytest, or in a fixture of another scope, use the classes the fixtures come from:
``LessonRunner(folder).run(lesson, *args)`` (also ``expect_usage_error`` and
``check_device_placement``) and ``ExerciseChecker(folder).check(exercise, code)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from nnlessons.practice.learner_host import LearnerHost
from nnlessons.testing.exercise_checks import ExerciseChecker
from nnlessons.testing.lesson_runs import Lesson, LessonRun, LessonRunner

__all__ = ["ExerciseChecker", "Lesson", "LessonRun", "LessonRunner"]  # the fixtures come from the plugin, not imports


@pytest.fixture
def lesson_runner(tmp_path: Path) -> LessonRunner:
    """The [`LessonRunner`][nnlessons.testing.lesson_runs.LessonRunner] behind the other fixtures: one per test, in ``tmp_path``."""
    return LessonRunner(tmp_path)


@pytest.fixture
def run_lesson(lesson_runner: LessonRunner) -> Callable[..., LessonRun]:
    """``run_lesson(lesson, *args, quick=True, device="cpu", check=True, env=None)``: run it, return the run.

    See [`LessonRunner.run`][nnlessons.testing.lesson_runs.LessonRunner.run].
    """
    return lesson_runner.run


@pytest.fixture
def expect_usage_error(lesson_runner: LessonRunner) -> Callable[..., LessonRun]:
    """``expect_usage_error(lesson, *args, message=..., writes_nothing=True)``: require a clean refusal.

    See [`LessonRunner.expect_usage_error`][nnlessons.testing.lesson_runs.LessonRunner.expect_usage_error].
    """
    return lesson_runner.expect_usage_error


@pytest.fixture
def check_device_placement(lesson_runner: LessonRunner) -> Callable[..., LessonRun]:
    """``check_device_placement(lesson, *args, batch_copies_in=())``: require every tensor on ``ctx.device``.

    See [`LessonRunner.check_device_placement`][nnlessons.testing.lesson_runs.LessonRunner.check_device_placement].
    """
    return lesson_runner.check_device_placement


@pytest.fixture(scope="session")
def learner_host() -> Iterator[LearnerHost]:
    """One warm learner's host for the test session: each check forks from it instead of importing torch anew."""
    with LearnerHost() as host:
        yield host


@pytest.fixture
def check_exercise(tmp_path: Path, learner_host: LearnerHost) -> Callable[..., dict[str, Any]]:
    """``check_exercise(exercise, code)``: the check's result for `code` as the learner's file.

    The code runs in a learner's process of its own, as with ``nnlessons check``. See
    [`ExerciseChecker.check`][nnlessons.testing.exercise_checks.ExerciseChecker.check].
    """
    return ExerciseChecker(tmp_path / "exercise-checks", learner_host).check
