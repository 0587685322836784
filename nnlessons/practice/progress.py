"""The learner's progress: lessons run, and per exercise passed, attempts, hints used, revealed, first pass.

Stored as versioned JSON, written atomically: ``progress.json`` in the user's data folder
(platformdirs), or ``.nnlessons-progress.json`` in the practice workspace when one is chosen
with ``--workspace`` or ``NNLESSONS_WORKSPACE``.

Several nnlessons commands may run at once (a ``check --all`` in one terminal, ``hint`` or
``watch`` in another), so the file is never loaded at a command's start and saved whole at
its end: every change goes through `updating`, which holds an exclusive lock (a sibling file
``NAME.lock``), re-reads the file, applies only that command's change and writes the result
atomically. Commands that only show progress read it with `Progress.load`, without the lock
(a reader sees the old file or the new one, never half of one).

A file that is corrupt, has a field of the wrong type, or was written by a newer nnlessons is
moved aside (never silently dropped) and a one-line notice says where: a string where a bool
belongs must never unlock a solution. A progress path that is a folder is refused with one
line and exit code 2 (LessonInputError): the learner has to move it. A progress path that is a
symbolic link is followed: it is read and written through the link, which stays a link (so a
progress file kept elsewhere, e.g. in a synced folder, keeps being updated there).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import platformdirs

from nnlessons import atomic_files
from nnlessons.errors import LessonInputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

VERSION = 1
WORKSPACE_ENVVAR = "NNLESSONS_WORKSPACE"
WORKSPACE_FILE = ".nnlessons-progress.json"
LOCK_SUFFIX = ".lock"


def default_path() -> Path:
    """Where progress lives when no workspace was chosen."""
    return platformdirs.user_data_path("nnlessons") / "progress.json"


def path_for(workspace: Path | None) -> Path:
    """The progress file for an explicitly chosen workspace, else the user's data folder."""
    if workspace is None and os.environ.get(WORKSPACE_ENVVAR):
        workspace = Path(os.environ[WORKSPACE_ENVVAR]).expanduser()
    return workspace / WORKSPACE_FILE if workspace is not None else default_path()


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def unsaved_line(path: Path, exc: OSError) -> str:
    """The one line a command shows when its change to progress could not be written."""
    return f"Progress could not be saved to {path} ({exc.strerror or exc})."


@dataclass
class ExerciseProgress:
    passed: bool = False
    attempts: int = 0
    hints_used: int = 0
    revealed: bool = False
    first_passed_at: str | None = None


class _Invalid(ValueError):
    """A field of the progress file has the wrong type or value; the message says which."""


def _count(value: Any, where: str) -> int:
    if type(value) is not int or value < 0:  # type() so that True is not taken for 1
        raise _Invalid(f"{where} is not a whole number >= 0")
    return value


def _checked_exercise(key: str, value: Any) -> ExerciseProgress:
    where = f"exercise {key!r}"
    if not isinstance(value, dict):
        raise _Invalid(f"{where} is not an object")
    unknown = sorted(set(value) - set(vars(ExerciseProgress())))
    if unknown:
        raise _Invalid(f"{where} has unknown fields {', '.join(unknown)}")
    entry = ExerciseProgress(**value)
    for name in ("passed", "revealed"):
        if type(getattr(entry, name)) is not bool:
            raise _Invalid(f"{where}: {name} is not true or false")
    for name in ("attempts", "hints_used"):
        _count(getattr(entry, name), f"{where}: {name}")
    if entry.first_passed_at is not None and not isinstance(entry.first_passed_at, str):
        raise _Invalid(f"{where}: first_passed_at is not a date or null")
    return entry


def _checked_lesson_run(key: str, value: Any) -> dict[str, Any]:
    where = f"lesson run {key!r}"
    if not isinstance(value, dict):
        raise _Invalid(f"{where} is not an object")
    unknown = sorted(set(value) - {"runs", "last_run_at"})
    if unknown:
        raise _Invalid(f"{where} has unknown fields {', '.join(unknown)}")
    _count(value.get("runs", 0), f"{where}: runs")
    if value.get("last_run_at") is not None and not isinstance(value["last_run_at"], str):
        raise _Invalid(f"{where}: last_run_at is not a date or null")
    return dict(value)


def _object(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise _Invalid(f"{name} is not an object")
    return value


def _target(path: Path) -> Path:
    """The file really read and written: a symbolic link is followed (and stays a link)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock of the progress file `path` (the sibling ``NAME.lock``) while the block runs.

    POSIX: flock, which the kernel releases even when the holder is killed, so a crash never
    leaves it held. Windows: msvcrt.locking, which retries once a second and raises OSError after
    ten tries. The lock file stays: deleting it would race with a command that already opened it.
    """
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + LOCK_SUFFIX), os.O_RDWR | os.O_CREAT, 0o666)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        else:  # pragma: no cover - Windows
            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    finally:
        os.close(fd)  # also releases the flock


@dataclass
class Progress:
    """Everything recorded; `load` reads it, `updating` changes it."""

    path: Path
    lessons_run: dict[str, dict[str, Any]] = field(default_factory=dict)
    exercises: dict[str, ExerciseProgress] = field(default_factory=dict)
    notice: str | None = None  # set when an unreadable file was moved aside

    @classmethod
    def load(cls, path: Path) -> Progress:
        """The progress as the file holds it now, for showing; a notice says if it had to be set aside.

        Raises LessonInputError when `path` is a folder.
        """
        try:
            progress, problem = cls._read(path)
        except OSError as exc:
            return cls(path, notice=f"Could not read the progress file {path} ({exc.strerror or exc}); starting afresh.")
        if problem is None:
            return progress
        try:
            with locked(_target(path)):
                progress, problem = cls._read(path)  # another command may have set it aside meanwhile
                return progress if problem is None else cls._moved_aside(path, problem)
        except OSError as exc:
            return cls(path, notice=f"The progress file {path} is not used because {problem}; "
                                    f"it could not be moved aside ({exc.strerror or exc}). Starting afresh.")

    @classmethod
    def _read(cls, path: Path) -> tuple[Progress, None] | tuple[None, str]:
        """(progress, None), or (None, why the file cannot be used). A missing file is empty progress.

        Raises OSError when the file cannot be read, LessonInputError when it is a folder.
        """
        target = _target(path)
        if target.is_dir():
            raise LessonInputError(f"The progress file {path} is a folder, not a file; move it away.")
        try:
            raw = target.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return cls(path), None
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise _Invalid("it holds no object")
            version = data["version"]
            if type(version) is not int:
                raise _Invalid("version is not a number")
            if version > VERSION:
                return None, f"it was written by a newer nnlessons (format {version}, this one reads {VERSION})"
            unknown = sorted(set(data) - {"version", "lessons_run", "exercises"})
            if unknown:
                raise _Invalid(f"unknown fields {', '.join(unknown)}")
            exercises = {key: _checked_exercise(key, value) for key, value in _object(data, "exercises").items()}
            lessons = {key: _checked_lesson_run(key, value) for key, value in _object(data, "lessons_run").items()}
        except _Invalid as exc:
            return None, f"it could not be read ({exc})"
        except (ValueError, KeyError, TypeError) as exc:
            return None, f"it could not be read ({type(exc).__name__})"
        return cls(path, lessons, exercises), None

    @classmethod
    def _moved_aside(cls, path: Path, why: str) -> Progress:
        target = _target(path)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = target.with_name(f"{target.name}.unreadable-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = target.with_name(f"{target.name}.unreadable-{stamp}-{n}")
        os.replace(target, aside)
        return cls(path, notice=f"The progress file {path} was moved to {aside.name} because {why}; starting afresh.")

    def save(self) -> None:
        """Write everything in `self` atomically, without the lock: change the file with `updating` instead."""
        data = {
            "version": VERSION,
            "lessons_run": self.lessons_run,
            "exercises": {key: vars(value) for key, value in sorted(self.exercises.items())},
        }
        target = _target(self.path)
        if not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
        atomic_files.write_text(target, json.dumps(data, indent=2) + "\n")

    def exercise(self, full_id: str) -> ExerciseProgress:
        return self.exercises.setdefault(full_id, ExerciseProgress())

    def record_check(self, full_id: str, passed: bool) -> None:
        entry = self.exercise(full_id)
        entry.attempts += 1
        if passed and not entry.passed:
            entry.passed = True
            entry.first_passed_at = now()

    def record_run(self, lesson_id: str) -> None:
        entry = self.lessons_run.setdefault(lesson_id, {"runs": 0, "last_run_at": None})
        entry["runs"] = int(entry.get("runs", 0)) + 1
        entry["last_run_at"] = now()


@contextlib.contextmanager
def updating(path: Path) -> Iterator[Progress]:
    """Yield the progress as the file holds it now, under the lock; what the block changes is saved at its end.

    The one way to change progress: the read-modify-write is exclusive, so concurrent commands
    never lose each other's changes. The block should only apply its own change (record a check,
    a hint, a reveal) and be quick: other commands wait for it. If the block raises, nothing is
    saved. Raises OSError when the file cannot be read or written (a read-only folder), and
    LessonInputError when `path` is a folder. The yielded progress' notice says if an unusable
    file was moved aside first.
    """
    target = _target(path)
    with locked(target):
        progress, problem = Progress._read(path)
        if problem is not None:
            progress = Progress._moved_aside(path, problem)
        yield progress
        progress.save()


def record_lesson_run(lesson_id: str) -> str | None:
    """Note a finished `nnlessons run` in the progress file; return a line to show, if any.

    Progress is a convenience: it never fails a lesson run. The line says that the file had to
    be moved aside, or that the run could not be recorded and why (a read-only data folder).
    """
    path = path_for(None)
    try:
        with updating(path) as progress:
            progress.record_run(lesson_id)
    except OSError as exc:
        return unsaved_line(path, exc)
    except LessonInputError as exc:
        return exc.format_message()
    return progress.notice
