"""Every exercise of every installed lesson: the starter is "not implemented yet", the reference passes,
and each realistic wrong solution kept in tests/exercise_mistakes fails with a message naming the mistake.

A wrong solution lives at ``tests/exercise_mistakes/LESSON/EXERCISE/NAME.py``; its first line is
``# expect: WORDS``, words the failure message (or the named mistake) must contain.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nnlessons.practice import catalog
from nnlessons.registry import LessonRegistry

MISTAKES = Path(__file__).parent / "exercise_mistakes"
REGISTRY = LessonRegistry.from_entry_points()
ENTRIES = catalog.all_exercises(REGISTRY)
BY_ID = {entry.full_id: entry for entry in ENTRIES}
WRONG = sorted(MISTAKES.glob("*/*/*.py"))


def test_every_bundled_lesson_has_at_least_three_exercises():
    for lesson in REGISTRY.ordered():
        if lesson.source.startswith("nnlessons_"):
            assert len(catalog.exercises_of(REGISTRY, lesson)) >= 3, f"{lesson.id} needs at least three exercises"


@pytest.mark.parametrize("full_id", sorted(BY_ID))
def test_starter_is_not_implemented_yet(check_exercise, full_id):
    entry = BY_ID[full_id]
    starter = entry.exercise.starter_text()
    assert ast.get_docstring(ast.parse(starter)), "the starter's docstring is the task"
    assert "NotImplementedError" in starter
    result = check_exercise(entry.exercise, starter)
    assert result["status"] == "todo", result
    assert len(entry.exercise.hints) >= 2, "hints come in tiers"


@pytest.mark.parametrize("full_id", sorted(BY_ID))
def test_reference_solution_passes(check_exercise, full_id):
    entry = BY_ID[full_id]
    result = check_exercise(entry.exercise, entry.exercise.solution_text())
    assert result["status"] == "passed", result


@pytest.mark.parametrize("full_id", sorted(BY_ID))
def test_every_exercise_has_a_wrong_solution_in_the_tests(full_id):
    lesson_id, exercise_id = full_id.split("/")
    assert list((MISTAKES / lesson_id / exercise_id).glob("*.py")), f"add a realistic wrong solution for {full_id}"


@pytest.mark.parametrize("wrong", WRONG, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.stem}")
def test_wrong_solution_fails_naming_the_mistake(check_exercise, wrong):
    full_id = f"{wrong.parent.parent.name}/{wrong.parent.name}"
    assert full_id in BY_ID, f"{wrong} is for an exercise that does not exist"
    first_line = wrong.read_text().splitlines()[0]
    assert first_line.startswith("# expect: "), f"{wrong} must start with '# expect: WORDS'"
    expected_words = first_line.removeprefix("# expect: ").strip()
    entry = BY_ID[full_id]
    result = check_exercise(entry.exercise, wrong.read_text())
    assert result["status"] in ("failed", "error"), result
    said = " ".join(str(result.get(k) or "") for k in ("message", "mistake", "traceback"))
    assert expected_words.lower() in said.lower(), result
