"""The exercises of the installed lessons, and what a learner's EXERCISE or LESSON argument names."""

from __future__ import annotations

from dataclasses import dataclass

from nnlessons.errors import LessonInputError
from nnlessons.practice.exercise import Exercise
from nnlessons.registry import Lesson, LessonRegistry


@dataclass(frozen=True)
class Entry:
    """One exercise with its lesson: ``entry.full_id`` is ``LESSON/ID``."""

    lesson: Lesson
    exercise: Exercise

    @property
    def full_id(self) -> str:
        return f"{self.lesson.id}/{self.exercise.id}"


def exercises_of(registry: LessonRegistry, lesson: Lesson) -> list[Entry]:
    """A lesson's exercises from its `nnlessons_exercises` hook ([] if it has none)."""
    found = registry.call(lesson, "nnlessons_exercises") or []
    entries, seen = [], set()
    for exercise in found:
        if not isinstance(exercise, Exercise):
            raise LessonInputError(f"Lesson {lesson.id!r} returned {type(exercise).__name__} from nnlessons_exercises, "
                                   f"not Exercise; its package needs fixing.")
        if exercise.id in seen:
            raise LessonInputError(f"Lesson {lesson.id!r} declares the exercise {exercise.id!r} twice; its package needs fixing.")
        seen.add(exercise.id)
        entries.append(Entry(lesson, exercise))
    return entries


def all_exercises(registry: LessonRegistry) -> list[Entry]:
    """Every exercise of every working lesson, in course order."""
    return [entry for lesson in registry.ordered() if not lesson.broken for entry in exercises_of(registry, lesson)]


def resolve(registry: LessonRegistry, target: str) -> list[Entry]:
    """``LESSON/EXERCISE`` -> that exercise; ``LESSON`` -> all of its exercises; else LessonInputError."""
    lesson_id, _, exercise_id = target.partition("/")
    lesson = registry.runnable(lesson_id)
    entries = exercises_of(registry, lesson)
    if not entries:
        raise LessonInputError(f"Lesson {lesson_id!r} has no exercises; 'nnlessons practice' lists the lessons that do.")
    if not exercise_id:
        return entries
    for entry in entries:
        if entry.exercise.id == exercise_id:
            return [entry]
    known = ", ".join(e.full_id for e in entries)
    raise LessonInputError(f"Lesson {lesson_id!r} has no exercise {exercise_id!r}; its exercises are {known}.")


def resolve_one(registry: LessonRegistry, target: str) -> Entry:
    """Exactly one exercise: ``LESSON/EXERCISE``."""
    if "/" not in target:
        raise LessonInputError(f"{target!r} names a lesson; name one exercise as LESSON/EXERCISE, e.g. "
                               f"{target}/{exercises_of(registry, registry.runnable(target))[0].exercise.id}.")
    return resolve(registry, target)[0]
