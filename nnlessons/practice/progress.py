"""The learner's progress: lessons run, and per exercise passed, attempts, hints used, revealed, first pass.

Stored as versioned JSON, written atomically: ``progress.json`` in the user's data folder
(platformdirs), or ``.nnlessons-progress.json`` in the practice workspace when one is chosen
with ``--workspace`` or ``NNLESSONS_WORKSPACE``. A file that is corrupt, or written by a newer
nnlessons, is moved aside (never silently dropped) and a one-line notice says where.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import platformdirs

from nnlessons import atomic_files

VERSION = 1
WORKSPACE_ENVVAR = "NNLESSONS_WORKSPACE"
WORKSPACE_FILE = ".nnlessons-progress.json"


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


@dataclass
class ExerciseProgress:
    passed: bool = False
    attempts: int = 0
    hints_used: int = 0
    revealed: bool = False
    first_passed_at: str | None = None


@dataclass
class Progress:
    """Everything recorded; `load` and `save` read and write it."""

    path: Path
    lessons_run: dict[str, dict[str, Any]] = field(default_factory=dict)
    exercises: dict[str, ExerciseProgress] = field(default_factory=dict)
    notice: str | None = None  # set when an unreadable file was moved aside

    @classmethod
    def load(cls, path: Path) -> Progress:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            return cls(path, notice=f"Could not read the progress file {path} ({exc.strerror}); starting afresh.")
        try:
            data = json.loads(text)
            version = data["version"]
            if not isinstance(version, int):
                raise ValueError("version is not a number")
            if version > VERSION:
                return cls._moved_aside(path, f"it was written by a newer nnlessons (format {version}, this one reads {VERSION})")
            exercises = {key: ExerciseProgress(**value) for key, value in data.get("exercises", {}).items()}
            lessons = {key: dict(value) for key, value in data.get("lessons_run", {}).items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return cls._moved_aside(path, f"it could not be read ({type(exc).__name__})")
        return cls(path, lessons, exercises)

    @classmethod
    def _moved_aside(cls, path: Path, why: str) -> Progress:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = path.with_name(f"{path.name}.unreadable-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = path.with_name(f"{path.name}.unreadable-{stamp}-{n}")
        os.replace(path, aside)
        return cls(path, notice=f"The progress file {path} was moved to {aside.name} because {why}; starting afresh.")

    def save(self) -> None:
        data = {
            "version": VERSION,
            "lessons_run": self.lessons_run,
            "exercises": {key: vars(value) for key, value in sorted(self.exercises.items())},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_files.write_text(self.path, json.dumps(data, indent=2) + "\n")

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


def record_lesson_run(lesson_id: str) -> str | None:
    """Note a finished `nnlessons run` in the progress file; return a notice if the file had to be moved aside.

    Progress is a convenience: a read-only data folder must not fail a lesson run, so write
    errors are ignored here.
    """
    try:
        progress = Progress.load(path_for(None))
        progress.record_run(lesson_id)
        progress.save()
    except OSError:
        return None
    return progress.notice
