"""The learner's practice folder: one sub-folder per lesson holding the exercise files they edit.

``./nnlessons-practice/`` unless ``--workspace DIR`` or ``NNLESSONS_WORKSPACE`` says otherwise.
A file the learner may have edited is never overwritten: `write_starters` keeps existing files,
and `reset` first saves the learner's version beside the fresh starter.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from nnlessons import atomic_files
from nnlessons.errors import LessonInputError
from nnlessons.practice.catalog import Entry
from nnlessons.practice.progress import WORKSPACE_ENVVAR

DEFAULT = Path("nnlessons-practice")


def chosen(option: Path | None) -> Path | None:
    """The workspace the learner chose explicitly (option, then environment), else None."""
    if option is not None:
        return option
    value = os.environ.get(WORKSPACE_ENVVAR, "").strip()
    return Path(value).expanduser() if value else None


class Workspace:
    """Where the exercise files are: ROOT/LESSON/FILE."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_option(cls, option: Path | None) -> Workspace:
        return cls(chosen(option) or DEFAULT)

    def file(self, entry: Entry) -> Path:
        return self.root / entry.lesson.id / entry.exercise.file_name

    def write_starters(self, entries: list[Entry]) -> list[tuple[Entry, Path, bool]]:
        """Write each missing starter file; return (entry, path, written now) for each."""
        done = []
        for entry in entries:
            path = self.file(entry)
            if path.exists():
                done.append((entry, path, False))
                continue
            self._make_folder(path.parent)
            if not atomic_files.create_text(path, entry.exercise.starter_text()):
                done.append((entry, path, False))  # appeared meanwhile: the learner's file stays
                continue
            done.append((entry, path, True))
        return done

    def reset(self, entry: Entry) -> tuple[Path, Path | None]:
        """Put the starter back; an edited version is first saved beside it. Returns (file, saved copy or None)."""
        path = self.file(entry)
        saved = None
        starter = entry.exercise.starter_text()
        if path.exists() and path.read_bytes() != starter.encode("utf-8"):  # an unedited starter needs no copy
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            saved = path.with_name(f"{path.stem}.saved-{stamp}{path.suffix}")
            n = 1
            while saved.exists():
                n += 1
                saved = path.with_name(f"{path.stem}.saved-{stamp}-{n}{path.suffix}")
            atomic_files.write_bytes(saved, path.read_bytes())
        self._make_folder(path.parent)
        atomic_files.write_text(path, starter)
        return path, saved

    @staticmethod
    def _make_folder(folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LessonInputError(f"Cannot make the practice folder '{folder}' ({exc.strerror or exc}); "
                                   f"choose a writable one with --workspace.") from None
