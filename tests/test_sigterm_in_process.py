"""SIGTERM while a lesson runs inside another program: the run is saved, then the program hears it too.

On the command line a SIGTERM stops the run with exit code 143 (``test_third_party_plugin``).
A program that runs lessons in its own process (a test session through click's ``CliRunner``)
and has its own SIGTERM handler gets the signal handed on once the run is saved, instead of
seeing one run that stopped with 143 and going on as if nothing had happened.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from nnlessons import LessonInfo, hookimpl
from nnlessons.cli import cli
from nnlessons.registry import LessonRegistry

TESTS = Path(__file__).resolve().parent


class KilledMidRun:
    """Saves one file, then sends SIGTERM to its own process, as `kill` or a CI time-out would."""

    @hookimpl
    def nnlessons_lesson_info(self):
        return LessonInfo(id="killed", title="Killed", summary="Gets SIGTERM after saving a file.")

    @hookimpl
    def nnlessons_run(self, ctx):
        ctx.write_text("saved-early.txt", "kept")
        os.kill(os.getpid(), signal.SIGTERM)
        return {"reached": "the end"}


class HostStopped(BaseException):
    """What the host program's own SIGTERM handler raises in this test."""


def test_the_run_is_saved_then_the_hosts_handler_gets_the_signal(tmp_path):
    registry = LessonRegistry()
    registry.add("killed", KilledMidRun())
    out = tmp_path / "out"
    heard = []

    def host_handler(signum, _frame):
        heard.append(signum)
        raise HostStopped

    previous = signal.signal(signal.SIGTERM, host_handler)
    try:
        with pytest.raises(HostStopped):
            CliRunner().invoke(cli, ["run", "killed", "--device", "cpu", "--out", str(out)], obj={"registry": registry})
        assert signal.getsignal(signal.SIGTERM) is host_handler  # the run put the host's handler back
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert heard == [signal.SIGTERM]
    record = json.loads((out / "run.json").read_text())
    assert record["status"] == "terminated" and record.get("metrics", {}) == {}
    assert record["artifacts"] == ["saved-early.txt"]
    assert (out / "saved-early.txt").read_text() == "kept"


SESSION = textwrap.dedent('''
    import os, signal
    from pathlib import Path
    from click.testing import CliRunner
    from nnlessons.cli import cli
    from nnlessons.registry import LessonRegistry
    from test_sigterm_in_process import KilledMidRun

    def test_a_lesson_in_process_gets_sigterm(tmp_path):
        registry = LessonRegistry()
        registry.add("killed", KilledMidRun())
        out = Path(os.environ["RUN_OUT"])
        result = CliRunner().invoke(cli, ["run", "killed", "--device", "cpu", "--out", str(out)], obj={"registry": registry})
        Path(os.environ["MARKER"]).write_text(f"invoke returned {result.exit_code}")

    def test_after_it():
        Path(os.environ["MARKER"]).write_text("the session went on")
''')


def test_sigterm_stops_this_repositorys_test_session_instead_of_failing_one_test(tmp_path):
    """What made one option-sweep test fail when a busy-core run of the suite was stopped with `kill`."""
    (tmp_path / "test_session.py").write_text(SESSION)
    out, marker = tmp_path / "run", tmp_path / "marker.txt"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
           "RUN_OUT": str(out), "MARKER": str(marker)}
    session = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "sigterm_session", "-p", "no:cacheprovider", "-q",
         "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path / "test_session.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert session.returncode == pytest.ExitCode.INTERRUPTED, session.stdout[-3000:] + session.stderr[-3000:]
    assert "SessionTerminated: SIGTERM" in session.stdout, session.stdout[-3000:]
    assert marker.read_text().startswith("invoke returned")  # the next test did not run
    assert json.loads((out / "run.json").read_text())["status"] == "terminated"
    assert (out / "saved-early.txt").read_text() == "kept"
