"""SIGTERM handled like Ctrl-C: a run or a check stops cleanly, keeps what it saved, and exits 143 (130 for Ctrl-C)."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

#: exit codes of a stopped run: 128 + the signal's number, as shells report them
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT)
EXIT_TERMINATED = 143  # SIGTERM


class Terminated(KeyboardInterrupt):
    """Raised in the run when the process gets SIGTERM; handled like Ctrl-C.

    :param outer_handler: the SIGTERM handler the host program had before the run (a test
        session running lessons in-process, say), called once the run is saved, so the host
        stops too instead of seeing one failed run; None for the command line (the default
        action: the run exits with 143).
    """

    def __init__(self, outer_handler: Callable[[int, Any], Any] | None = None) -> None:
        super().__init__()
        self.outer_handler = outer_handler


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While the run lasts, SIGTERM raises `Terminated` in it, so it stops like on Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def handler(_signum: int, _frame: Any) -> None:
        raise Terminated(previous if callable(previous) else None)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
