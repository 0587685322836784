"""A lesson package made here, found only through its entry-point metadata, in real subprocesses.

Also: Ctrl-C keeps what was saved, a plugin that fails to import does not break `list`,
and `list`, `explain` and `--help` never import torch or the other heavy libraries.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from installed_package import make_package

LESSON_SOURCE = '''
"""# Tiny third-party lesson

Shows that anyone can add a lesson with one entry point.
"""
from nnlessons import LessonInfo, Option, hookimpl


@hookimpl
def nnlessons_lesson_info():
    return LessonInfo(id="tiny", title="Tiny", summary="A lesson from another package.",
                      options=(Option("sleep", float, 0.0, "Seconds to sleep after saving.", min=0, max=60),))


@hookimpl
def nnlessons_run(ctx):
    import time
    import torch

    ctx.path("saved-early.txt").write_text("kept")
    ctx.add_artifact(ctx.path("saved-early.txt"))
    deadline = time.monotonic() + ctx.params.sleep
    while time.monotonic() < deadline:
        time.sleep(0.05)
    return {"answer": float(torch.tensor(41.0, device=ctx.device) + 1)}
'''

BROKEN_SOURCE = "import a_module_that_does_not_exist\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    make_package(root, "nnlessons_tiny", "nnlessons_tiny", LESSON_SOURCE, "tiny")
    make_package(root, "nnlessons_broken", "nnlessons_broken", BROKEN_SOURCE, "broken")
    return root


def nnlessons(site: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "nnlessons", *args], env=env, capture_output=True, text=True, timeout=120, **kwargs)


def test_third_party_lesson_appears_in_list(site):
    result = nnlessons(site, "list", "--json")
    assert result.returncode == 0, result.stderr
    lessons = {entry["id"]: entry for entry in json.loads(result.stdout)}
    assert lessons["tiny"]["title"] == "Tiny" and lessons["tiny"]["source"] == "nnlessons_tiny"


def test_broken_plugin_is_listed_as_broken_and_others_still_work(site):
    result = nnlessons(site, "list")
    assert result.returncode == 0
    assert "Tiny" in result.stdout
    assert "BROKEN" in result.stdout and "No module named 'a_module_that_does_not_exist'" in result.stdout
    run = nnlessons(site, "run", "broken")
    assert run.returncode == 2
    assert "Lesson 'broken' is broken and cannot be used" in run.stderr
    assert "Traceback" not in run.stderr


def test_third_party_lesson_explains_and_runs(site, tmp_path):
    explain = nnlessons(site, "explain", "tiny")
    assert explain.returncode == 0 and "Shows that anyone can add a lesson" in explain.stdout
    out = tmp_path / "run"
    run = nnlessons(site, "run", "tiny", "--device", "cpu", "--json", "--out", str(out))
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert record["metrics"] == {"answer": 42.0}
    assert (out / "saved-early.txt").read_text() == "kept"


#: ``python -m nnlessons`` with SIGINT raising KeyboardInterrupt, as at a terminal. A job a shell script
#: starts in the background (``cmd &``) starts with SIGINT ignored, and so does every process it starts;
#: Python then installs no KeyboardInterrupt handler, and a test run that way could not press Ctrl-C.
NNLESSONS_WITH_CTRL_C = [sys.executable, "-c", "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
                         "runpy.run_module('nnlessons', run_name='__main__', alter_sys=True)"]


def test_ctrl_c_exits_130_and_keeps_what_was_saved(site, tmp_path):
    out = tmp_path / "interrupted"
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.Popen([*NNLESSONS_WITH_CTRL_C, "run", "tiny", "--device", "cpu", "--sleep", "60", "--out", str(out)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out / "saved-early.txt").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Interrupted" in stdout and "Traceback" not in stderr
    record = json.loads((out / "run.json").read_text())
    assert record["status"] == "interrupted"
    assert record["artifacts"] == ["saved-early.txt"]
    assert (out / "saved-early.txt").read_text() == "kept"


def test_sigterm_exits_143_and_keeps_what_was_saved(site, tmp_path):
    out = tmp_path / "terminated"
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.Popen([sys.executable, "-m", "nnlessons", "run", "tiny", "--device", "cpu", "--sleep", "60", "--out", str(out)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60  # a cap on waiting, not a speed assumption: the file appears in well under a second
    while not (out / "saved-early.txt").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    assert "Terminated" in stdout and "Traceback" not in stderr
    record = json.loads((out / "run.json").read_text())
    assert record["status"] == "terminated"
    assert record["artifacts"] == ["saved-early.txt"]
    assert (out / "saved-early.txt").read_text() == "kept"
    assert sorted(p.name for p in out.iterdir()) == ["run.json", "saved-early.txt"]  # no temporary files left


def test_two_runs_started_together_into_one_folder_one_is_refused(site, tmp_path):
    out = tmp_path / "shared"
    env = {**os.environ, "PYTHONPATH": str(site)}
    argv = [sys.executable, "-m", "nnlessons", "run", "tiny", "--device", "cpu", "--sleep", "1", "--out", str(out)]
    procs = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert sorted(code for code, *_ in results) == [0, 2], results
    refused = next(stderr for code, _out, stderr in results if code == 2)
    assert "in use by another nnlessons run" in refused or "already holds files" in refused
    assert json.loads((out / "run.json").read_text())["status"] == "ok"


def test_a_closed_stdout_does_not_stop_the_run(site, tmp_path):
    """`nnlessons run ... | head`: once the reader is gone the run goes on silently and saves everything."""
    out = tmp_path / "piped"
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has already gone: every write to the pipe fails with EPIPE
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run([sys.executable, "-m", "nnlessons", "run", "tiny", "--device", "cpu", "--out", str(out)],
                          env=env, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    os.close(write_end)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    record = json.loads((out / "run.json").read_text())
    assert record["status"] == "ok" and record["metrics"] == {"answer": 42.0}


HEAVY = ("torch", "torchvision", "numpy", "pandas", "matplotlib")
PROBE = textwrap.dedent("""
    import sys
    from nnlessons.cli import cli
    try:
        cli.main(sys.argv[1:], prog_name="nnlessons", standalone_mode=False)
    finally:
        heavy = sorted({name.split(".")[0] for name in sys.modules} & {%s})
        print("HEAVY=" + ",".join(heavy), file=sys.stderr)
""" % ", ".join(repr(h) for h in HEAVY))


@pytest.mark.parametrize("args", [["list"], ["list", "--json"], ["--help"], ["explain", "tiny"], ["run", "--help"], ["run", "tiny", "--help"]])
def test_fast_commands_do_not_import_heavy_libraries(site, args):
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "HEAVY=\n" in result.stderr, result.stderr
