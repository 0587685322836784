"""Practice: exercises a lesson ships, checked against PyTorch, with hints, solutions after a pass, and progress.

A lesson declares its exercises with the `nnlessons_exercises` hook, returning
[`Exercise`][nnlessons.practice.exercise.Exercise] objects. A check compares the learner's
code with PyTorch through the helpers in [`nnlessons.practice.compare`][nnlessons.practice.compare],
which raise [`CheckFailed`][nnlessons.practice.exercise.CheckFailed] with a message that names
the mistake.

Nothing in this package imports torch at import time: ``hint``, ``progress`` and
``practice`` stay fast. The learner's code runs in a process of its own
([`learner_process`][nnlessons.practice.learner_process]); the check and its verdict run in the
``nnlessons`` command ([`checker`][nnlessons.practice.checker]).
"""

from nnlessons.practice import forbid
from nnlessons.practice.exercise import CheckFailed, Exercise

__all__ = ["CheckFailed", "Exercise", "forbid"]
