"""Run an exercise's check on a piece of code, as ``nnlessons check`` would on a learner's file."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from nnlessons.practice.checker import run_check
from nnlessons.practice.exercise import Exercise
from nnlessons.practice.learner_host import LearnerHost


class ExerciseChecker:
    """Checks code for exercises, each piece in a new file under `folder`, in a learner's process of its own.

    Exactly what ``nnlessons check`` does: the code runs in a process forked for it, the check
    and its verdict here. `host` is the warm process those are forked from; share one between
    checkers (the ``check_exercise`` fixture shares one per test session) so that torch is
    imported once, not per check.
    """

    def __init__(self, folder: Path, host: LearnerHost | None = None) -> None:
        self.folder = Path(folder)
        self.host = host
        self._count = itertools.count(1)

    def check(self, exercise: Exercise, code: str, file_name: str | None = None) -> dict[str, Any]:
        """Save `code` as the learner's file of `exercise`, run its check, return the result.

        The result is a dict: ``status`` is ``passed``, ``failed`` (a case differs from PyTorch:
        ``message``, ``case``, ``details`` and, when the check recognises it, ``mistake``), ``todo``
        (still raises ``NotImplementedError``), ``error`` (the code raised: ``message``,
        ``traceback``) or ``timeout``; ``output`` is what the code printed.
        """
        path = self.folder / f"check-{next(self._count)}" / (file_name or exercise.file_name)
        path.parent.mkdir(parents=True)
        path.write_text(code, encoding="utf-8")
        return run_check(f"exercise/{exercise.id}", exercise, path, host=self.host).as_dict()
