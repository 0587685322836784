"""Run an exercise's check on a piece of code, as ``nnlessons check`` would on a learner's file."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from nnlessons.practice.child import check_file
from nnlessons.practice.exercise import Exercise


class ExerciseChecker:
    """Checks code for exercises, each piece in a new file under `folder`.

    A new folder per check, because Python's bytecode cache can take a rewritten file of the
    same size, written within the same second, for the old one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._count = itertools.count(1)

    def check(self, exercise: Exercise, code: str) -> dict[str, Any]:
        """Save `code` as the learner's file of `exercise`, run its check in this process, return the result.

        The result is a dict: ``status`` is ``passed``, ``failed`` (a case differs from PyTorch:
        ``message``, ``case``, ``details`` and, when the check recognises it, ``mistake``), ``todo``
        (still raises ``NotImplementedError``) or ``error`` (the code raised: ``message``,
        ``traceback``).
        """
        path = self.folder / f"check-{next(self._count)}" / exercise.file_name
        path.parent.mkdir(parents=True)
        path.write_text(code, encoding="utf-8")
        return check_file(exercise.check, path)
