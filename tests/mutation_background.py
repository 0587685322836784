"""Measure every bundled exercise's mutants in a second process while the rest of the suite runs.

The mutation tests are the most expensive part of the suite, and most other tests keep one core
busy: started as soon as the tests are collected, ``python -m nnlessons.testing.mutants --json``
uses the other core, and `tests/test_mutation.py` reads its reports (waiting only for what is not
finished yet). Only the exercises whose tests were collected are measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

KEY = pytest.StashKey[dict]()


def pytest_collection_finish(session: pytest.Session) -> None:
    wanted = sorted({item.callspec.params["full_id"] for item in session.items
                     if item.path.name == "test_mutation.py" and hasattr(item, "callspec") and "full_id" in item.callspec.params})
    if not wanted:
        return
    folder = Path(tempfile.mkdtemp(prefix="nnlessons-mutants-"))
    log = open(folder / "log.txt", "w")  # noqa: SIM115 - closed when the session ends
    env = {**os.environ, "XDG_DATA_HOME": str(folder / "data")}
    process = subprocess.Popen([sys.executable, "-m", "nnlessons.testing.mutants", "--json", str(folder / "reports.json"),
                                *wanted],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    session.config.stash[KEY] = {"process": process, "folder": folder, "log": log}


def pytest_sessionfinish(session: pytest.Session) -> None:
    started = session.config.stash.get(KEY, None)
    if started:
        if started["process"].poll() is None:
            started["process"].kill()
            started["process"].wait()
        started["log"].close()


def reports(config: pytest.Config) -> dict[str, Any]:
    """The background measurement's reports: {LESSON/EXERCISE: {total, caught, survivors, timed_out}}."""
    started = config.stash[KEY]
    if "reports" not in started:
        code = started["process"].wait()
        started["log"].flush()
        path = started["folder"] / "reports.json"
        if not path.exists():
            log = (started["folder"] / "log.txt").read_text()[-3000:]
            raise AssertionError(f"the mutation measurement ended with code {code} and no reports:\n{log}")
        started["reports"] = json.loads(path.read_text())
    return started["reports"]
