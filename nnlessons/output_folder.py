"""Claim a run's output folder: new or empty, locked against a second run, never mixed with other files.

A run writes only into a folder that it made, or that was empty when it took the lock, or
(with ``--overwrite``) that holds nothing but an earlier nnlessons run, whose files are
removed first. run.json is checked whole before anything goes, and only the regular files
it lists, reached without a symbolic link, are removed, with the temporary files of a run
killed outright (its run.json still says ``running``). The lock is an exclusive ``flock``
on the folder itself, held until the run ends (the operating system releases it if the
process dies), so two runs started together cannot both write into one folder: the second
is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

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
    def _check_contents(self, overwrite: bool) -> None:
        entries = folder_entries(self.path)
        if not entries:
            return
        if not overwrite:
            raise LessonInputError(
                f"Output folder '{self.path}' already holds files ({_shown(entries)}); choose a new or empty folder with --out, "
                f"or add --overwrite to replace the nnlessons run saved there."
            )
        previous = PreviousRun.read(self.path)
        if previous is None:
            raise LessonInputError(
                f"Output folder '{self.path}' holds files ({_shown(entries)}) but no nnlessons run.json, and --overwrite only "
                f"replaces an earlier nnlessons run; choose a new or empty folder with --out."
            )
        foreign = [entry for entry in entries if entry not in previous.files and not previous.is_leftover(entry)]
        if foreign:
            raise LessonInputError(
                f"Output folder '{self.path}' holds files that the earlier run did not save ({_shown(foreign)}), so --overwrite "
                f"would mix or lose them; move them away or choose a new or empty folder with --out."
            )
        previous.remove([entry for entry in entries if previous.is_leftover(entry)])

    def _check_writable(self) -> None:
        try:
            fd, probe = tempfile.mkstemp(prefix=".nnlessons-write-test-", dir=self.path)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise LessonInputError(f"Cannot write to output folder '{self.path}' ({_reason(exc)}); choose a writable folder with --out.") from None


def folder_entries(folder: Path) -> list[Path]:
    """Everything below `folder` but its folders, relative: files, symbolic links (to a folder or dangling too), others.

    Links are listed, never followed, so a folder holding only a link is not empty.
    """
    def unreadable(exc: OSError) -> None:
        raise LessonInputError(f"Cannot read the output folder's contents at '{exc.filename}' ({_reason(exc)}); "
                               f"choose a new or empty folder with --out.")

    found = []
    for root, dirs, files in os.walk(folder, onerror=unreadable, followlinks=False):
        links = [name for name in dirs if os.path.islink(os.path.join(root, name))]
        found += [Path(root, name).relative_to(folder) for name in files + links]
    return sorted(entry for entry in found if entry != Path(LOCK_FILE))


def _shown(paths: list[Path]) -> str:
    """The first three paths, quoted, and how many more."""
    return ", ".join(f"'{p}'" for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


#: the temporary name nnlessons.atomic_files gives a file while writing it: .STEM.XXXXXXXX.partSUFFIX (mkstemp's 8 characters)
TEMP_NAME = re.compile(r"\..*\.[a-z0-9_]{8}\.part(\.[^.]+)?")


class PreviousRun:
    """An earlier run saved in a folder: the regular files it lists, checked before any is removed.

    :ivar folder: the (resolved) output folder.
    :ivar status: run.json's status; ``running`` for a run that was killed before it ended.
    :ivar files: run.json and every listed artifact that exists, relative to the folder.
    """

    def __init__(self, folder: Path, status: Any, files: set[Path]) -> None:
        self.folder = folder
        self.status = status
        self.files = files

    @classmethod
    def read(cls, folder: Path) -> PreviousRun | None:
        """The run saved in `folder`, None if it has no run.json with an artifacts list.

        Raises LessonInputError, before anything is removed, when run.json lists something
        --overwrite must not remove: a folder, a path outside, a link, a file it cannot remove.
        """
        record_path = _regular_file(folder, Path(RUN_RECORD))  # a link named run.json is no run's record
        try:
            record = json.loads(record_path.read_text(encoding="utf-8")) if record_path else None
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or not isinstance(record.get("artifacts"), list):
            return None
        files = {Path(RUN_RECORD)}
        for entry in record["artifacts"]:
            relative = _artifact_path(folder, entry)
            if _regular_file(folder, relative):
                files.add(relative)
        return cls(folder, record.get("status"), files)

    def is_leftover(self, entry: Path) -> bool:
        """A temporary file of atomic_files that a killed run (status running) left behind."""
        return (self.status == "running" and TEMP_NAME.fullmatch(entry.name) is not None
                and _regular_file(self.folder, entry) is not None)

    def remove(self, leftovers: list[Path]) -> None:
        """Remove the run's files and `leftovers`, run.json last, then the folders they leave empty.

        Every folder they are in is checked to be writable first, so a read-only one stops
        --overwrite before anything is removed.
        """
        ordered = sorted(set(leftovers) | self.files - {Path(RUN_RECORD)}, key=lambda p: (-len(p.parts), p)) + [Path(RUN_RECORD)]
        for relative in ordered:
            if not os.access((self.folder / relative).parent, os.W_OK):
                raise LessonInputError(f"Output folder '{self.folder}' holds '{relative}' of the earlier run in a read-only "
                                       f"folder, so --overwrite cannot remove it and removed nothing; make it writable or "
                                       f"choose a new or empty folder with --out.")
        for relative in ordered:
            path = _regular_file(self.folder, relative)
            if path is None:
                continue  # gone meanwhile, or no longer a plain file: leave it
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise LessonInputError(f"Could not remove '{relative}' of the earlier run in output folder '{self.folder}' "
                                       f"({_reason(exc)}), so --overwrite stopped; make the folder writable or choose "
                                       f"a new or empty folder with --out.") from None
            parent = path.parent
            while parent != self.folder:  # folders the earlier run made for its files, now empty
                with contextlib.suppress(OSError):
                    parent.rmdir()
                parent = parent.parent


def _unsafe(folder: Path, artifact: Any, problem: str) -> LessonInputError:
    shown = repr(str(artifact) if isinstance(artifact, Path) else artifact)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    return LessonInputError(f"Output folder '{folder}' holds a run.json whose artifact {shown} {problem}, so --overwrite "
                            f"removed nothing; move the folder's files away or choose a new or empty folder with --out.")


def _artifact_path(folder: Path, entry: Any) -> Path:
    """An artifact of run.json as a path relative to `folder`; LessonInputError unless it is a plain file inside it."""
    if not isinstance(entry, str):
        raise _unsafe(folder, entry, f"is a {type(entry).__name__}, not a path")
    if not entry.strip():
        raise _unsafe(folder, entry, "is empty, not a file name")
    if "\0" in entry:
        raise _unsafe(folder, entry, "holds a NUL character")
    path = Path(entry)
    if path.is_absolute():
        try:
            path = path.relative_to(folder)
        except ValueError:
            raise _unsafe(folder, entry, "is outside the folder") from None
    if ".." in path.parts:
        raise _unsafe(folder, entry, "climbs out of the folder with '..'")
    if not path.parts:
        raise _unsafe(folder, entry, "names the folder itself")
    for depth in range(1, len(path.parts) + 1):
        try:
            mode = (folder / Path(*path.parts[:depth])).lstat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            return path  # already gone: nothing to remove
        if stat.S_ISLNK(mode):
            raise _unsafe(folder, entry, "is a symbolic link" if depth == len(path.parts) else
                          f"is reached through the symbolic link '{Path(*path.parts[:depth])}'")
        if depth < len(path.parts) and not stat.S_ISDIR(mode):
            return path  # a file where a folder would be: the artifact is not there
    if stat.S_ISDIR(mode):
        raise _unsafe(folder, entry, "names a folder, not a file")
    if not stat.S_ISREG(mode):
        raise _unsafe(folder, entry, "is not a regular file")
    if not _inside(folder, folder / path):
        raise _unsafe(folder, entry, "is outside the folder")
    return path


def _inside(folder: Path, path: Path) -> bool:
    real_folder = os.path.realpath(folder)
    return os.path.commonpath([real_folder, os.path.realpath(path)]) == real_folder


def _regular_file(folder: Path, relative: Path) -> Path | None:
    """folder/relative if it is a regular file reached without any symbolic link and inside `folder`; else None."""
    path = folder
    for part in relative.parts:
        path = path / part
        try:
            mode = path.lstat().st_mode
        except OSError:
            return None
        if stat.S_ISLNK(mode):
            return None
    return path if stat.S_ISREG(mode) and _inside(folder, path) else None
