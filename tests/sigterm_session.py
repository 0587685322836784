"""A pytest plugin of this repository's tests: SIGTERM stops the whole session, like Ctrl-C.

Many tests run a lesson in this process (click's ``CliRunner``). While a lesson runs, the runner
turns SIGTERM into a stopped run (``run.json`` says ``terminated``) and then hands the signal to
the handler the process had before, this one, where click's ``CliRunner`` would turn the
KeyboardInterrupt it raises into exit code 1; so it also marks the session, and the test's next
report stops it. Without it, a ``kill`` or a CI time-out would only
fail the one test whose lesson was running (its exit code 143) and the session would go on, which
reads like a flaky test. With it, pytest stops at once and prints what it has, as on Ctrl-C.
"""

from __future__ import annotations

import signal
from typing import Any

import pytest


class SessionTerminated(KeyboardInterrupt):
    """The test session got SIGTERM."""


_previous: Any = None
_terminated = False


def stop_the_session(_signum: int, _frame: Any) -> None:
    """Stop the test where it is; if click catches that (a lesson run in-process), the next report stops the session."""
    global _terminated
    _terminated = True
    raise SessionTerminated("SIGTERM")


def pytest_configure(config: pytest.Config) -> None:
    global _previous
    _previous = signal.signal(signal.SIGTERM, stop_the_session)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if _terminated:
        raise SessionTerminated("SIGTERM")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _previous is not None:
        signal.signal(signal.SIGTERM, _previous)
