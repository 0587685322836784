"""`nnlessons watch`: re-check the current exercise every time its file is saved.

Keys (in a terminal): ``h`` the next hint, ``n`` skip to the next exercise, ``q`` quit (Ctrl-C
too). Saves are noticed by polling the file's modification time twice a second, which works on
every operating system and editor without another dependency.
"""

from __future__ import annotations

import contextlib
import functools
import os
import select
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from nnlessons.errors import LessonInputError
from nnlessons.practice import catalog, report
from nnlessons.practice.catalog import Entry
from nnlessons.practice.checker import CheckResult
from nnlessons.practice.commands import (check_and_record, display, load_progress, next_unfinished, record, registry_of, take_hint,
                                         workspace_option)
from nnlessons.practice.progress import Progress
from nnlessons.practice.workspace import Workspace
from nnlessons.stop_signals import EXIT_TERMINATED, Terminated, sigterm_as_interrupt

POLL_SECONDS = 0.5
KeyReader = Callable[[float], "str | None"]


def modified_time(path: Path) -> float | None:
    try:
        return path.stat().st_mtime_ns / 1e9
    except OSError:
        return None


def sleeping_reader(seconds: float) -> str | None:
    """No keyboard (output piped, or no terminal): just wait."""
    time.sleep(seconds)
    return None


@contextlib.contextmanager
def terminal_keys() -> Iterator[KeyReader]:
    """Single key presses from the terminal (cbreak mode, restored afterwards); else a plain wait."""
    if not sys.stdin.isatty():
        yield sleeping_reader
        return
    try:
        import termios
        import tty
    except ImportError:  # pragma: no cover - Windows
        yield sleeping_reader
        return
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)

    def read(seconds: float) -> str | None:
        ready, _, _ = select.select([fd], [], [], seconds)
        return os.read(fd, 1).decode(errors="ignore").lower() if ready else None

    try:
        yield read
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


class Watcher:
    """The watch loop, with its clock, keyboard and file times injected (tests drive it step by step)."""

    def __init__(self, entries: list[Entry], space: Workspace, progress: Progress, console: Console,
                 check: Callable[[Entry], CheckResult] | None = None, mtime: Callable[[Path], float | None] = modified_time) -> None:
        self.entries = entries
        self.space = space
        self.progress = progress
        self.console = console
        self.check = check or (lambda entry: check_and_record([entry], space, progress, console)[0])
        self.mtime = mtime

    def following(self, entry: Entry) -> Entry | None:
        """The next exercise after `entry` that has a file and has not passed."""
        index = self.entries.index(entry)
        for candidate in self.entries[index + 1:] + self.entries[:index]:
            record = self.progress.exercises.get(candidate.full_id)
            if self.space.file(candidate).exists() and not (record and record.passed):
                return candidate
        return None

    def show(self, entry: Entry) -> CheckResult:
        """Check `entry` and show the result; in a terminal the screen is redrawn, so the newest panel replaces the last."""
        result = self.check(entry)
        if self.console.is_terminal:
            self.console.clear()
            self.announce(entry)
        self.console.print(report.panel(result, display(self.space.file(entry))))
        return result

    def announce(self, entry: Entry) -> None:
        self.console.rule(Text(f"Watching {entry.full_id}  {entry.exercise.title}", style="bold"))
        self.console.print(Text(f"Save {display(self.space.file(entry))} to check it.  h: hint  n: next  q: quit", style="dim"))

    def hint(self, entry: Entry) -> None:
        hints = entry.exercise.hints
        if self.progress.exercise(entry.full_id).hints_used >= len(hints):
            self.console.print(Text(f"No more hints for {entry.full_id}: you have seen all {len(hints)}. The reference "
                                    f"opens after a pass (nnlessons solution {entry.full_id}).", style="dim"))
            return
        if self.progress.exercise(entry.full_id).hints_used < len(hints):
            record(self.progress, self.console, lambda p: take_hint(p, entry.full_id, len(hints)))
        shown = self.progress.exercise(entry.full_id).hints_used
        if hints:
            self.console.print(Text.assemble((f"Hint {shown} of {len(hints)}: ", "bold cyan"), hints[shown - 1]))

    def run(self, entry: Entry, read_key: KeyReader, max_polls: int | None = None) -> None:
        self.announce(entry)
        self.show(entry)
        last = self.mtime(self.space.file(entry))
        polls = 0
        while max_polls is None or polls < max_polls:
            polls += 1
            key = read_key(POLL_SECONDS)
            if key == "q":
                self.console.print("Stopped watching.")
                return
            if key == "h":
                self.hint(entry)
            if key == "n":
                following = self.following(entry)
                if following is None:
                    self.console.print("No other unfinished exercise has a file; 'nnlessons practice LESSON' writes more.")
                else:
                    entry = following
                    self.announce(entry)
                    self.show(entry)  # where the new exercise stands, without waiting for a save
                    last = self.mtime(self.space.file(entry))
                continue
            now = self.mtime(self.space.file(entry))
            if now == last:
                continue
            last = now
            if self.show(entry).passed:
                following = self.following(entry)
                if following is None:
                    self.console.print(Text("Every exercise you have passes. Stopped watching.", style="bold green"))
                    return
                entry = following
                self.announce(entry)
                self.show(entry)
                last = self.mtime(self.space.file(entry))


@click.command()
@click.argument("target", required=False, metavar="[EXERCISE]")
@workspace_option
@click.pass_context
def watch(ctx: click.Context, target: str | None, workspace: Path | None) -> None:
    """Re-check the current exercise on every save. Keys: h hint, n next, q quit."""
    registry = registry_of(ctx)
    console = Console(highlight=False)
    progress = load_progress(workspace, console)
    space = Workspace.from_option(workspace)
    entries = [e for e in catalog.all_exercises(registry) if space.file(e).exists()]
    entry = catalog.resolve_one(registry, target) if target else next_unfinished(registry, space, progress)
    if entry is None or not space.file(entry).exists():
        raise LessonInputError(f"There is no unfinished exercise file in {display(space.root)} to watch; "
                               f"start with 'nnlessons practice LESSON'.")
    if entry not in entries:
        entries.append(entry)
    from nnlessons.practice.learner_host import LearnerHost

    try:
        with sigterm_as_interrupt(), LearnerHost() as host, terminal_keys() as read_key:
            check = functools.partial(_check_one, space=space, progress=progress, console=console, host=host)
            Watcher(entries, space, progress, console, check=check).run(entry, read_key)
    except KeyboardInterrupt as stop:  # Ctrl-C or SIGTERM: the learner's processes are gone with the host
        console.print("Stopped watching.")
        if isinstance(stop, Terminated):
            if stop.outer_handler is not None:
                stop.outer_handler(signal.SIGTERM, None)
            ctx.exit(EXIT_TERMINATED)


def _check_one(entry: Entry, *, space: Workspace, progress: Progress, console: Console, host: object) -> CheckResult:
    return check_and_record([entry], space, progress, console, host=host)[0]
