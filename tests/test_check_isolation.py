"""A check's verdict comes from code the learner's code cannot reach, and their code is contained.

Each test is a way a learner's file could (on purpose or by accident) forge a pass, escape the
check, or take the machine down; each held on the design before issue 17 and must not now.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from nnlessons.practice import catalog
from nnlessons.registry import LessonRegistry

REGISTRY = LessonRegistry.from_entry_points()


def exercise(full_id: str, **changes):
    found = catalog.resolve_one(REGISTRY, full_id).exercise
    return dataclasses.replace(found, **changes) if changes else found


MSE = exercise("gd-variants/mse-gradient")
MSE_RIGHT = "import torch\n\ndef mse_gradient(w, x, y):\n    return (2 * (w * x - y) * x).mean()\n"


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip()


def alive(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_for(path: Path, seconds: float = 60.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.05)
    raise AssertionError(f"{path} never appeared")


# ---- forged verdicts ------------------------------------------------------------------------------


def test_the_reference_still_passes_and_a_wrong_answer_fails(check_exercise):
    assert check_exercise(MSE, MSE_RIGHT)["status"] == "passed"
    assert check_exercise(MSE, MSE_RIGHT.replace("2 *", "3 *"))["status"] == "failed"


def test_a_result_file_written_by_the_learner_is_not_a_verdict(check_exercise):
    result = check_exercise(MSE, code('''
        import json, os, pathlib, sys
        for place in (pathlib.Path.cwd(), pathlib.Path.cwd().parent, *map(pathlib.Path, sys.argv[1:])):
            try:
                (place / "result.json").write_text(json.dumps({"status": "passed", "message": "forged"}))
            except OSError:
                pass
        os._exit(0)
    '''))
    assert result["status"] == "error" and "stopped the check" in result["message"], result


@pytest.mark.parametrize("forgery", [
    "import nnlessons_gd_variants.exercises.checks as c\nc.expect_close = lambda *a, **k: None\nc.expect = lambda *a, **k: None\n",
    "import nnlessons.practice.compare as c\nc.expect_close = lambda *a, **k: None\nc.expect = lambda *a, **k: None\n",
    "import nnlessons.practice.exercise as e\ne.CheckFailed = type('Never', (Exception,), {})\n",
    "import builtins\nbuiltins.bool = lambda *a: True\nbuiltins.isinstance = lambda *a: True\n",
    "import torch\ntorch.allclose = lambda *a, **k: True\ntorch.Tensor.__gt__ = lambda *a: torch.tensor(False)\n",
], ids=["checks-expect_close", "compare-expect_close", "CheckFailed", "builtins", "torch-comparisons"])
def test_replacing_the_checks_tools_in_the_learners_process_changes_no_verdict(check_exercise, forgery):
    wrong = forgery + "import torch\n\ndef mse_gradient(w, x, y):\n    return torch.zeros((), dtype=x.dtype)\n"
    result = check_exercise(MSE, wrong)
    assert result["status"] in ("failed", "error"), result  # error: their process broke its own builtins


def test_the_expected_value_is_not_in_any_frame_the_learner_can_read(check_exercise):
    result = check_exercise(MSE, code('''
        import sys, torch

        def mse_gradient(w, x, y):
            frame = sys._getframe(1)
            while frame is not None:
                for name, value in frame.f_locals.items():
                    if name in ("expected", "theirs", "want") and isinstance(value, torch.Tensor):
                        return value
                frame = frame.f_back
            return torch.zeros((), dtype=x.dtype)
    '''))
    assert result["status"] == "failed", result


@pytest.mark.parametrize("module", ["nnlessons_gd_variants.exercises.solutions.mse_gradient",
                                    "nnlessons_gd_variants.exercises.checks",
                                    "nnlessons_classification.exercises.solutions.stable_softmax"])
def test_reference_solutions_and_checks_cannot_be_imported(check_exercise, module):
    result = check_exercise(MSE, f"from {module} import *\n")
    assert result["status"] == "error" and "cannot be imported while your code is checked" in result["traceback"], result


SOFTMAX = exercise("classification/stable-softmax")


@pytest.mark.parametrize("body", [
    "from torch.nn.functional import softmax as kept\n\ndef softmax(logits, dim=-1):\n    return kept(logits, dim)\n",
    "import torch\n\ndef softmax(logits, dim=-1):\n    return torch._softmax(logits, dim, False)\n",
    "import torch\n\ndef softmax(logits, dim=-1):\n    return torch._C._VariableFunctions.softmax(logits, dim)\n",
    "import torch\n\ndef softmax(logits, dim=-1):\n    return torch.ops.aten._softmax(logits, dim, False)\n",
    "import torch\n\ndef softmax(logits, dim=-1):\n    return logits.softmax(dim)\n",
    # the refusal caught and the real function reached another way: still a broken rule
    "import torch\n\ndef softmax(logits, dim=-1):\n    try:\n        return torch.softmax(logits, dim)\n"
    "    except Exception:\n        return torch.special.softmax(logits, dim)\n",
], ids=["kept-at-import", "torch._softmax", "VariableFunctions", "aten-op", "method", "caught"])
def test_a_forbidden_operator_is_refused_on_every_path(check_exercise, body):
    result = check_exercise(SOFTMAX, body)
    assert result["status"] == "failed" and "switched off" in result["message"], result


def test_a_caught_refusal_still_fails_even_when_the_answer_is_right(check_exercise):
    result = check_exercise(SOFTMAX, code('''
        import torch

        def softmax(logits, dim=-1):
            try:
                torch.softmax(logits, dim)
            except Exception:
                pass
            shifted = logits - logits.max(dim, keepdim=True).values
            return shifted.exp() / shifted.exp().sum(dim, keepdim=True)
    '''))
    assert result["status"] == "failed" and "switched off" in result["message"], result


CONV = exercise("cnn-shapes/conv2d-by-loops")


@pytest.mark.parametrize("call", ["torch.ops.aten.convolution(x, weight, bias, [stride] * 2, [padding] * 2, [1, 1], "
                                  "False, [0, 0], 1)",
                                  "torch._C._VariableFunctions.conv2d(x, weight, bias, stride, padding)"],
                         ids=["aten.convolution", "VariableFunctions.conv2d"])
def test_a_private_alias_of_convolution_is_refused(check_exercise, call):
    result = check_exercise(CONV, f"import torch\n\ndef conv2d_by_loops(x, weight, bias, stride, padding):\n    return {call}\n")
    assert result["status"] == "failed" and "convolution" in result["message"], result


# ---- processes the learner's code starts ------------------------------------------------------------


@pytest.mark.parametrize("start", [
    "subprocess.Popen([sys.executable, '-c', SLEEPER, MARK])",
    "subprocess.Popen([sys.executable, '-c', SLEEPER, MARK], start_new_session=True)",
    "os.fork() == 0 and (os.setsid(), os.fork() == 0 and exec(SLEEPER, {'sys': sys}) or os._exit(0))",
], ids=["Popen", "new-session", "double-fork-daemon"])
def test_no_process_the_learners_code_starts_outlives_the_check(check_exercise, tmp_path, start):
    mark = tmp_path / "pid"
    result = check_exercise(MSE, code(f'''
        import os, subprocess, sys, time, torch
        MARK = {str(mark)!r}
        sys.argv[1:] = [MARK]
        SLEEPER = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(600)"
        {start}
        while not (os.path.exists(MARK) and open(MARK).read()):
            time.sleep(0.01)

        def mse_gradient(w, x, y):
            return (2 * (w * x - y) * x).mean()
    '''))
    assert result["status"] == "passed", result
    pid = int(wait_for(mark))
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:  # killed before the check returned; reaping is the kernel's
        time.sleep(0.05)
    assert not alive(pid), f"process {pid}, started by the learner's code, outlived the check"


def test_a_background_child_holding_the_output_open_does_not_make_a_right_answer_slow(check_exercise):
    quick = dataclasses.replace(MSE, timeout=20)
    result = check_exercise(quick, "import subprocess\nsubprocess.Popen(['sleep', '600'])\n" + MSE_RIGHT)
    assert result["status"] == "passed", result


def test_a_check_that_runs_out_of_time_names_the_learners_line(check_exercise):
    short = dataclasses.replace(MSE, timeout=3)
    result = check_exercise(short, "import torch\n\ndef mse_gradient(w, x, y):\n    total = 0\n    while True:\n"
                                   "        total += 1\n")
    assert result["status"] == "timeout", result
    assert "It was on line 5: while True:" in result["message"] or "line 6: total += 1" in result["message"], result


def test_ending_the_learners_process_is_an_error_not_a_pass(check_exercise):
    result = check_exercise(MSE, "import os\n\ndef mse_gradient(w, x, y):\n    os._exit(0)\n")
    assert result["status"] == "error" and "stopped the check" in result["message"], result


# ---- output and memory ------------------------------------------------------------------------------


@pytest.mark.parametrize("printer", ["while True:\n    print('spam')\n",
                                     "line = 'x' * 2**20\nwhile True:\n    print(line)\n"], ids=["lines", "megabyte-lines"])
def test_endless_output_is_cut_off_and_said_so(check_exercise, printer):
    result = check_exercise(MSE, printer)
    assert result["status"] == "error" and "printed more than 8 MB" in result["message"], result
    assert len(result["output"]) < 20_000, "only a head and a tail of the output are kept"


def test_output_that_is_not_utf8_is_shown_with_replacement_characters(check_exercise):
    result = check_exercise(MSE, "import sys\nsys.stdout.buffer.write(b'caf\\xe9 \\xff\\n')\n" + MSE_RIGHT)
    assert result["status"] == "passed" and "caf\ufffd \ufffd" in result["output"], result


def test_the_learners_process_is_stopped_past_its_memory_limit(check_exercise, monkeypatch):
    monkeypatch.setenv("NNLESSONS_CHECK_MEMORY_MB", "1024")
    result = check_exercise(MSE, "import torch\n\ndef mse_gradient(w, x, y):\n"
                                 "    big = torch.ones(2 * 2**30, dtype=torch.uint8)\n    return big.sum()\n")
    assert result["status"] == "error" and "more memory than a check allows (1024 MB" in result["message"], result


def test_the_judge_stays_small_while_the_learner_prints_without_end(tmp_path):
    """Peak memory of `nnlessons check` (the judge, and what it waited for) with an endless print loop."""
    workspace = tmp_path / "ws"
    (workspace / "gd-variants").mkdir(parents=True)
    (workspace / "gd-variants" / "mse_gradient.py").write_text("while True:\n    print('x' * 2**20)\n")
    env = {**os.environ, "NNLESSONS_WORKSPACE": str(workspace), "XDG_DATA_HOME": str(tmp_path / "data")}
    process = subprocess.Popen([sys.executable, "-m", "nnlessons", "check", "gd-variants/mse-gradient"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = process.stdout.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1, out
    assert "printed more than 8 MB" in out
    peak_mb = usage.ru_maxrss / 1024
    print(f"peak RSS of the check while the learner printed without end: {peak_mb:.0f} MB")
    assert peak_mb < 1500, f"the check grew to {peak_mb:.0f} MB"


# ---- nothing written where it does not belong ----------------------------------------------------------


def test_a_check_writes_no_bytecode_and_the_learner_may_import_their_own_files(check_exercise, tmp_path):
    import nnlessons_gd_variants.exercises as package

    solutions = Path(package.__file__).parent / "solutions"
    before = sorted(p.name for p in solutions.rglob("*"))
    result = check_exercise(MSE, "from helper_of_mine import twice\n\n"
                                 "def mse_gradient(w, x, y):\n    return twice((w * x - y) * x).mean()\n")
    assert result["status"] == "error" and "helper_of_mine" in result["traceback"], "no such file yet"
    # the learner's own module beside their file
    learner_file = Path(result["file"])
    (learner_file.parent / "helper_of_mine.py").write_text("def twice(v):\n    return 2 * v\n")
    from nnlessons.practice.checker import run_check

    again = run_check("gd-variants/mse-gradient", MSE, learner_file)
    assert again.status == "passed", again
    assert not list(learner_file.parent.rglob("__pycache__")), "no bytecode beside the learner's files"
    assert sorted(p.name for p in solutions.rglob("*")) == before, "nothing written into the installed package"


# ---- stopping `nnlessons check` ---------------------------------------------------------------------


@pytest.mark.parametrize("signum, exit_code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "Ctrl-C"])
def test_stopping_check_all_ends_the_learners_processes_and_keeps_finished_results(tmp_path, signum, exit_code):
    workspace = tmp_path / "ws"
    lesson = workspace / "gd-variants"
    lesson.mkdir(parents=True)
    (lesson / "mse_gradient.py").write_text(MSE_RIGHT)
    marks = tmp_path / "marks"
    marks.mkdir()
    (lesson / "one_epoch.py").write_text(code_stuck_with_a_child(marks))
    env = {**os.environ, "NNLESSONS_WORKSPACE": str(workspace), "XDG_DATA_HOME": str(tmp_path / "data")}
    process = subprocess.Popen([sys.executable, "-c", "import signal, sys; signal.signal(signal.SIGINT, "
                                "signal.default_int_handler); from nnlessons.cli import main; sys.argv[0] = 'nnlessons'; "
                                "main(['check', '--all'])"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    learner_pid = int(wait_for(marks / "learner"))
    child_pid = int(wait_for(marks / "child"))
    scratch = Path(wait_for(marks / "cwd"))
    process.send_signal(signum)
    out = process.communicate(timeout=60)[0].decode()
    assert process.returncode == exit_code, out
    assert "mse-gradient" in out and "passed" in out and "1 of" in out, out
    assert "Traceback" not in out, out
    for pid in (learner_pid, child_pid):
        deadline = time.monotonic() + 10
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(pid), f"process {pid} outlived the stopped check"
    assert not scratch.exists(), "the check's temporary folder was removed"
    progress = (workspace / ".nnlessons-progress.json").read_text()
    assert '"gd-variants/mse-gradient"' in progress and '"passed": true' in progress


def code_stuck_with_a_child(marks: Path) -> str:
    return code(f'''
        import os, subprocess, sys, time
        MARKS = {str(marks)!r}
        child = subprocess.Popen(["sleep", "600"], start_new_session=True)
        open(os.path.join(MARKS, "child"), "w").write(str(child.pid))
        open(os.path.join(MARKS, "cwd"), "w").write(os.getcwd())
        open(os.path.join(MARKS, "learner"), "w").write(str(os.getpid()))
        while True:
            time.sleep(0.1)
    ''')
