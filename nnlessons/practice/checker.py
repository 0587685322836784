"""Run one exercise's check on the learner's file in a fresh, time-limited, isolated subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnlessons.practice.child import SYS_PATH_ENVVAR
from nnlessons.practice.exercise import Exercise

STATUSES = ("passed", "failed", "todo", "error", "timeout", "missing", "broken")


@dataclass
class CheckResult:
    """What one check found; `status` is one of STATUSES."""

    exercise: str  # LESSON/ID
    title: str
    file: str
    status: str
    message: str
    case: str = ""
    details: dict[str, str] = field(default_factory=dict)
    mistake: str | None = None
    traceback: str = ""
    output: str = ""  # what the learner's code printed

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def as_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise, "title": self.title, "file": self.file, "status": self.status,
            "message": self.message, "case": self.case, "details": self.details, "mistake": self.mistake,
            "traceback": self.traceback, "output": self.output,
        }


def child_sys_path() -> list[str]:
    """Our import path for the child, without the current folder (so its stray modules stay out)."""
    here = os.getcwd()
    return [p for p in sys.path if p not in ("", ".") and os.path.abspath(p) != here]


def run_check(full_id: str, exercise: Exercise, learner: Path) -> CheckResult:
    """Check the learner's file; never raises for anything the learner's code does."""
    base = {"exercise": full_id, "title": exercise.title, "file": str(learner)}
    if not learner.is_file():
        return CheckResult(**base, status="missing",
                           message=f"there is no file {learner}; write it with 'nnlessons practice {full_id.split('/')[0]}'.")
    with tempfile.TemporaryDirectory(prefix="nnlessons-check-") as scratch:
        result_file = Path(scratch) / "result.json"
        env = {**os.environ, SYS_PATH_ENVVAR: json.dumps(child_sys_path())}
        argv = [sys.executable, "-I", "-m", "nnlessons.practice.child", exercise.check, str(learner.resolve()), str(result_file)]
        try:
            proc = subprocess.run(argv, cwd=scratch, env=env, capture_output=True, text=True, timeout=exercise.timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as stopped:
            printed = _text(stopped.stdout)
            return CheckResult(**base, status="timeout", output=_tail(printed),
                               message=f"the check was stopped after {exercise.timeout:g} s: your code may be in a loop that "
                                       f"never ends (check each loop's condition and what it changes).")
        if not result_file.is_file():
            why = (proc.stderr.strip().splitlines() or ["no result"])[-1]
            return CheckResult(**base, status="error", output=_tail(proc.stdout),
                               message=f"your code stopped the check process ({why}).")
        result = json.loads(result_file.read_text(encoding="utf-8"))
    return CheckResult(**base, status=result["status"], message=result["message"], case=result.get("case", ""),
                       details=result.get("details", {}), mistake=result.get("mistake"),
                       traceback=result.get("traceback", ""), output=_tail(proc.stdout))


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""


def _tail(text: str, lines: int = 20) -> str:
    kept = text.rstrip().splitlines()
    return "\n".join(kept[-lines:])
