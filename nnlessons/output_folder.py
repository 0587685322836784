"""Claim a run's output folder: new or empty, locked against a second run, never mixed with other files.

A run writes only into a folder that it made, or that was empty when it took the lock, or
(with ``--overwrite``) that holds nothing but an earlier nnlessons run, whose files are
removed first. The lock is an exclusive ``flock`` on the folder itself, held until the run
ends (the operating system releases it if the process dies), so two runs started together
cannot both write into one folder: the second is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from nnlessons.errors import LessonInputError

RUN_RECORD = "run.json"
DEFAULT_PARENT = Path("nnlessons-runs")

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".nnlessons.lock"  # only where flock is missing (Windows)


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


class OutputFolder:
    """A run's output folder, held under an exclusive lock until `release`."""

    def __init__(self, path: Path, lock_fd: int | None, lock_file: Path | None = None) -> None:
        self.path = path
        self._lock_fd = lock_fd
        self._lock_file = lock_file

    # ---- claiming -------------------------------------------------------------------------
    @classmethod
    def claim(cls, requested: Path | None, lesson_id: str, overwrite: bool = False) -> OutputFolder:
        """Make or take the folder and lock it, or raise LessonInputError saying why not."""
        if requested is None:
            return cls._claim_new_default(lesson_id)
        path = Path(requested).expanduser()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise LessonInputError(f"--out '{path}' is a file, not a folder; choose a folder path with --out.") from None
        except OSError as exc:
            raise LessonInputError(f"Cannot make the output folder '{path}' ({_reason(exc)}); choose a writable folder with --out.") from None
        folder = cls._lock(path.resolve())
        try:
            folder._check_contents(overwrite)
            folder._check_writable()
        except BaseException:
            folder.release()
            raise
        return folder

    @classmethod
    def _claim_new_default(cls, lesson_id: str) -> OutputFolder:
        """./nnlessons-runs/<id>-<YYYYmmdd-HHMMSS>[-n]: made with mkdir, so two runs never share one."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        try:
            DEFAULT_PARENT.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LessonInputError(f"Cannot make the folder '{DEFAULT_PARENT}' here ({_reason(exc)}); "
                                   f"run from a writable folder or choose one with --out.") from None
        for n in range(1, 10_000):
            path = DEFAULT_PARENT / (f"{lesson_id}-{stamp}" + ("" if n == 1 else f"-{n}"))
            try:
                path.mkdir()
            except FileExistsError:
                continue
            except OSError as exc:
                raise LessonInputError(f"Cannot make the output folder '{path}' ({_reason(exc)}); choose a writable folder with --out.") from None
            return cls._lock(path.resolve())
        raise LessonInputError(f"Could not find a free folder name under '{DEFAULT_PARENT}'; choose a folder with --out.")

    @classmethod
    def _lock(cls, path: Path) -> OutputFolder:
        busy = (f"Output folder '{path}' is in use by another nnlessons run right now; "
                f"wait for it to finish or choose another folder with --out.")
        if fcntl is None:  # pragma: no cover - Windows: an exclusive-create lock file
            lock_file = path / LOCK_FILE
            try:
                os.close(os.open(lock_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                raise LessonInputError(busy) from None
            return cls(path, None, lock_file)
        fd = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise LessonInputError(busy) from None
        return cls(path, fd)

    def release(self) -> None:
        """Give up the lock (also happens when the process ends)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
        if self._lock_file is not None:  # pragma: no cover - Windows
            with contextlib.suppress(OSError):
                self._lock_file.unlink()
            self._lock_file = None

    # ---- what is already there ------------------------------------------------------------
    def _files(self) -> list[Path]:
        """Every file below the folder (not the folders themselves), relative to it."""
        found = []
        for root, _dirs, files in os.walk(self.path):
            found += [Path(root, name).relative_to(self.path) for name in files if name != LOCK_FILE]
        return sorted(found)

    def _check_contents(self, overwrite: bool) -> None:
        files = self._files()
        if not files:
            return
        shown = ", ".join(f"'{f}'" for f in files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        if not overwrite:
            raise LessonInputError(
                f"Output folder '{self.path}' already holds files ({shown}); choose a new or empty folder with --out, "
                f"or add --overwrite to replace the nnlessons run saved there."
            )
        previous = previous_run_files(self.path)
        if previous is None:
            raise LessonInputError(
                f"Output folder '{self.path}' holds files ({shown}) but no nnlessons run.json, and --overwrite only "
                f"replaces an earlier nnlessons run; choose a new or empty folder with --out."
            )
        foreign = [f for f in files if f not in previous]
        if foreign:
            named = ", ".join(f"'{f}'" for f in foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise LessonInputError(
                f"Output folder '{self.path}' holds files that the earlier run did not save ({named}), so --overwrite "
                f"would mix or lose them; move them away or choose a new or empty folder with --out."
            )
        for relative in sorted(previous, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(FileNotFoundError):
                (self.path / relative).unlink()
            parent = (self.path / relative).parent
            while parent != self.path:  # folders the earlier run made for its files, now empty
                with contextlib.suppress(OSError):
                    parent.rmdir()
                parent = parent.parent

    def _check_writable(self) -> None:
        try:
            fd, probe = tempfile.mkstemp(prefix=".nnlessons-write-test-", dir=self.path)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise LessonInputError(f"Cannot write to output folder '{self.path}' ({_reason(exc)}); choose a writable folder with --out.") from None


def previous_run_files(folder: Path) -> set[Path] | None:
    """The files an earlier run saved in `folder` (its run.json and artifacts), relative; None if no run.json."""
    record_path = folder / RUN_RECORD
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        artifacts = record["artifacts"]
        if not isinstance(artifacts, list):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    files = {Path(RUN_RECORD)}
    for entry in artifacts:
        path = Path(str(entry))
        if path.is_absolute():
            try:
                path = path.relative_to(folder)
            except ValueError:
                continue  # outside the folder: not ours to remove
        if ".." not in path.parts:
            files.add(path)
    return files
