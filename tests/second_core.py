"""Use the core the rest of the suite leaves idle: the two most expensive parts run in a second process.

Most tests keep one core busy (a lesson runs on one thread; a check alternates between the judge
and the learner's process). So, as soon as the tests are collected, one background process runs,
one after the other:

1. the mutation measurement of the exercises whose mutation tests were collected
   (``python -m nnlessons.testing.mutants --json``), which `tests/test_mutation.py` reads;
2. the option sweep (`tests/test_option_sweep.py`), when it was collected together with other
   tests: its tests are taken out of this session and run by a second pytest, and
   `tests/test_second_core.py` waits for it and fails with its report.

Run on its own (``pytest tests/test_option_sweep.py``), the sweep runs here as usual.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

KEY = pytest.StashKey[dict]()
SWEEP = "test_option_sweep.py"


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected what this session will not run
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("NNLESSONS_SECOND_CORE") == "inside":
        return  # this is the second process itself
    folder = Path(tempfile.mkdtemp(prefix="nnlessons-second-core-"))
    jobs: dict[str, list[str]] = {}
    wanted = sorted({item.callspec.params["full_id"] for item in items if item.path.name == "test_mutation.py"
                     and hasattr(item, "callspec") and "full_id" in item.callspec.params})
    if wanted:
        jobs["mutants"] = [sys.executable, "-m", "nnlessons.testing.mutants", "--json", str(folder / "mutants.json"),
                           *wanted]
    sweep = [item for item in items if item.path.name == SWEEP]
    if sweep and len(sweep) < len(items):
        (folder / "sweep-ids.txt").write_text("\n".join(item.nodeid for item in sweep) + "\n")
        jobs["sweep"] = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--rootdir={config.rootpath}",
                         f"@{folder / 'sweep-ids.txt'}"]
        config.hook.pytest_deselected(items=sweep)
        items[:] = [item for item in items if item.path.name != SWEEP]
    if not jobs:
        return
    script = "; ".join(f"{shlex.join(job)} > {shlex.quote(str(folder / f'{name}.log'))} 2>&1; "
                       f"echo $? > {shlex.quote(str(folder / f'{name}.code'))}" for name, job in jobs.items())
    env = {**os.environ, "NNLESSONS_SECOND_CORE": "inside", "XDG_DATA_HOME": str(folder / "data")}
    process = subprocess.Popen(["sh", "-c", script], cwd=config.rootpath, env=env, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    config.stash[KEY] = {"process": process, "folder": folder, "jobs": set(jobs)}


def pytest_sessionfinish(session: pytest.Session) -> None:
    started = session.config.stash.get(KEY, None)
    if not started:
        return
    if started["process"].poll() is None:
        os.killpg(started["process"].pid, signal.SIGKILL)
        started["process"].wait()
    shutil.rmtree(started["folder"], ignore_errors=True)  # the folder this plugin made, with its logs


def _finished(config: pytest.Config, name: str) -> tuple[int, str]:
    """Wait for the background job `name`; its exit code (-1 if it never ended) and its log."""
    started = config.stash[KEY]
    code_file = started["folder"] / f"{name}.code"
    while not (code_file.exists() and code_file.read_text().strip()) and started["process"].poll() is None:
        time.sleep(0.2)
    log_file = started["folder"] / f"{name}.log"
    log = log_file.read_text(errors="replace") if log_file.exists() else ""
    code = int(code_file.read_text()) if code_file.exists() and code_file.read_text().strip() else -1
    return code, log


def mutation_reports(config: pytest.Config) -> dict[str, Any]:
    """The background measurement's reports: {LESSON/EXERCISE: {total, caught, survivors, timed_out}}."""
    code, log = _finished(config, "mutants")
    path = config.stash[KEY]["folder"] / "mutants.json"
    if not path.exists():
        raise AssertionError(f"the mutation measurement ended with code {code} and no reports:\n{log[-3000:]}")
    return json.loads(path.read_text())


def sweep_result(config: pytest.Config) -> tuple[int, str] | None:
    """(exit code, report) of the option sweep run in the second process; None if it was not moved there."""
    started = config.stash.get(KEY, None)
    if not started or "sweep" not in started["jobs"]:
        return None
    return _finished(config, "sweep")
