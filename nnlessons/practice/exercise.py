"""What a lesson declares about one exercise, and the failure a check raises."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nnlessons.practice.forbid import Forbidden

EXERCISE_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
#: how much an exercise asks: a warm-up (one formula), core (a function of the lesson), build (a working piece
#: written from a specification: a training loop, a module from a layer table)
LEVELS = ("warm-up", "core", "build")


@dataclass(frozen=True)
class Exercise:
    """One exercise of a lesson: a starter file to complete, its reference solution, a check, hints.

    The files are package resources, so they ship inside the lesson's wheel::

        Exercise(
            id="conv2d-by-loops",
            title="Conv2d by loops",
            package="my_lesson.exercises",          # a package (folder with __init__.py)
            starter="conv2d_by_loops.py",           # the file the learner edits (copied to the workspace)
            solution="solutions/conv2d_by_loops.py",
            check="my_lesson.exercises.checks:check_conv2d_by_loops",
            hints=("Start from the output size ...", "Each output pixel is ...", "out[n, o, i, j] = ..."),
        )

    :param id: unique within the lesson: lowercase words joined by hyphens. Learners name it
        ``LESSON/ID``, e.g. ``cnn-shapes/conv2d-by-loops``.
    :param title: a few words.
    :param package: the importable package holding the starter and solution files. Keep its
        ``__init__.py`` free of torch imports (``hint`` and ``practice`` read these files).
    :param starter: path of the starter file inside `package`. Plain Python the learner can run
        and import: a docstring with the task, input and output shapes, a tiny worked example and
        the rules, and a function or class whose body raises ``NotImplementedError``.
    :param solution: path of the reference solution inside `package`: the starter, completed.
    :param check: ``"module:function"``. The function gets the learner's module (imported from
        their file) and raises [`CheckFailed`][nnlessons.practice.exercise.CheckFailed] at the first
        case that differs from PyTorch; it may return a one-line summary of what it checked.
        It runs in the ``nnlessons`` process (the judge) on the CPU; the learner's module it gets
        stands for their file, which runs in a process of its own (see the guide, "Where a check
        runs").
    :param hints: hints in tiers, from a nudge to nearly the answer; ``nnlessons hint`` shows one
        more each time.
    :param timeout: seconds the check may run before it is stopped (an endless loop in the
        learner's code ends with a message, not a hang).
    :param level: ``"warm-up"``, ``"core"`` or ``"build"`` (see LEVELS); shown by ``practice``,
        ``progress`` and the lesson's page.
    :param minutes: about how long it takes a learner who read the lesson, shown beside the level.
    :param forbids: rules from [`nnlessons.practice.forbid`][nnlessons.practice.forbid]
        (``forbid.CONVOLUTION``, ``forbid.AUTOGRAD.because("...")``): switched off in the
        learner's process before their file is imported, through every path to the operator.
    """

    id: str
    title: str
    package: str
    starter: str
    solution: str
    check: str
    hints: tuple[str, ...] = field(default_factory=tuple)
    timeout: float = 30.0
    level: str = "core"
    minutes: int = 10
    forbids: tuple[Forbidden, ...] = ()

    def __post_init__(self) -> None:
        if not EXERCISE_ID.fullmatch(self.id):
            raise ValueError(f"exercise id {self.id!r} must be lowercase words joined by hyphens, like 'conv2d-by-loops'")
        if ":" not in self.check:
            raise ValueError(f"exercise {self.id!r}: check must be 'module:function', not {self.check!r}")
        if self.level not in LEVELS:
            raise ValueError(f"exercise {self.id!r}: level must be one of {', '.join(LEVELS)}, not {self.level!r}")
        if not (isinstance(self.minutes, int) and 1 <= self.minutes <= 240):
            raise ValueError(f"exercise {self.id!r}: minutes must be a whole number from 1 to 240, not {self.minutes!r}")
        if not self.starter.endswith(".py") or not self.solution.endswith(".py"):
            raise ValueError(f"exercise {self.id!r}: starter and solution must be .py files")

    @property
    def file_name(self) -> str:
        """The name of the learner's file in the workspace (the starter's own name)."""
        return self.starter.rsplit("/", 1)[-1]

    def starter_text(self) -> str:
        return _resource_text(self.package, self.starter)

    def solution_text(self) -> str:
        return _resource_text(self.package, self.solution)

    def task(self) -> str:
        """The starter's module docstring: the task as the learner reads it."""
        return ast.get_docstring(ast.parse(self.starter_text())) or self.title


def _resource_text(package: str, name: str) -> str:
    resource = files(package)
    for part in name.split("/"):
        resource = resource / part
    return resource.read_text(encoding="utf-8")


class CheckFailed(Exception):
    """A check found a case where the learner's code differs from PyTorch.

    :param message: what went wrong, in plain words ("your function returned shape (1, 3, 3);
        PyTorch returns (1, 1, 3, 3)").
    :param case: which input it was ("batch of one, stride 2").
    :param details: label -> text rows shown under the message (inputs, expected, got, largest
        difference and where).
    :param mistake: the known mistake the result matches, when one does ("the result equals the
        convolution without the bias: did you forget to add it?").
    """

    def __init__(self, message: str, *, case: str = "", details: dict[str, str] | None = None,
                 mistake: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.case = case
        self.details = dict(details or {})
        self.mistake = mistake

    def as_dict(self) -> dict[str, Any]:
        return {"message": self.message, "case": self.case, "details": self.details, "mistake": self.mistake}
