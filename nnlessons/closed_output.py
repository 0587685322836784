"""Keep going when the reader of our output goes away (``nnlessons run ID | head``).

When a pipe's reader exits, the next write raises BrokenPipeError. A lesson run should not
die of that with half its files saved: from then on its output goes nowhere, the run
finishes, saves its files and run.json, and exits normally.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, TextIO


class PipeSafeStream:
    """Wraps a text stream; after a broken pipe, writes and flushes are silently dropped."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.closed_by_reader = False

    def _went_away(self) -> None:
        self.closed_by_reader = True
        # Point the file descriptor at /dev/null too, so the interpreter's own final flush
        # of buffered text (and any child process writing to it) does not fail again.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)

    def write(self, text: str) -> int:
        if self.closed_by_reader:
            return len(text)
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._went_away()
            return len(text)

    def flush(self) -> None:
        if self.closed_by_reader:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._went_away()

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding, ... of the real stream
        return getattr(self._stream, name)


def guard_standard_streams() -> None:
    """Replace sys.stdout and sys.stderr with pipe-safe wrappers (the CLI does this once)."""
    import sys

    if not isinstance(sys.stdout, PipeSafeStream) and sys.stdout is not None:
        sys.stdout = PipeSafeStream(sys.stdout)  # type: ignore[assignment]
    if not isinstance(sys.stderr, PipeSafeStream) and sys.stderr is not None:
        sys.stderr = PipeSafeStream(sys.stderr)  # type: ignore[assignment]
