"""Check a learner's file: their code runs in a learner's process, the check and its verdict run here.

The design (issue 17): the check function runs in this process, the judge, and receives the
learner's module as a [`Remote`][nnlessons.practice.learner_host.Remote]. Every call into the
learner's code crosses into their own process (forked from a warm one, see
[`learner_host`][nnlessons.practice.learner_host]) and only *values* come back, through
PyTorch's restricted unpickler. So nothing their code does can touch the comparison, the
expected values, the check's module, ``bool``, the result, or the progress file: those live
here. What a check can and cannot rule out is written in the guide ("What a check can rule
out").
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnlessons.practice.exercise import CheckFailed, Exercise

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
    output: str = ""  # what the learner's code printed (its head and tail)

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def as_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise, "title": self.title, "file": self.file, "status": self.status,
            "message": self.message, "case": self.case, "details": self.details, "mistake": self.mistake,
            "traceback": self.traceback, "output": self.output,
        }


def load_check(spec: str) -> Any:
    module_name, _, function = spec.partition(":")
    return getattr(importlib.import_module(module_name), function)


def blocked_imports(exercise: Exercise) -> list[str]:
    """Modules the learner's process may not import: every installed lesson's exercise package and this check's."""
    return sorted({exercise.package, exercise.check.partition(":")[0], *installed_exercise_packages()})


@functools.lru_cache(maxsize=1)
def installed_exercise_packages() -> tuple[str, ...]:
    """The exercise packages (references and checks) of every installed lesson."""
    from nnlessons.practice import catalog
    from nnlessons.registry import LessonRegistry

    registry = LessonRegistry.from_entry_points()
    packages = set()
    for lesson in registry.ordered():
        if lesson.broken:
            continue
        try:
            packages.update(entry.exercise.package for entry in catalog.exercises_of(registry, lesson))
        except Exception:  # noqa: BLE001 - a lesson whose exercises do not load blocks nothing, and breaks no check
            continue
    return tuple(sorted(packages))


def run_check(full_id: str, exercise: Exercise, learner: Path, host: Any = None) -> CheckResult:
    """Check the learner's file; never raises for anything the learner's code does.

    :param host: a [`LearnerHost`][nnlessons.practice.learner_host.LearnerHost] to fork the
        learner's process from (one per command, so several checks share its torch import); a
        new one is started and stopped when None.
    """
    base = {"exercise": full_id, "title": exercise.title, "file": str(learner)}
    if not learner.is_file():
        return CheckResult(**base, status="missing",
                           message=f"there is no file {learner}; write it with 'nnlessons practice {full_id.split('/')[0]}'.")
    from nnlessons.practice.learner_host import LearnerHost

    with contextlib.ExitStack() as stack:
        if host is None:
            host = stack.enter_context(LearnerHost())
        host.begin()  # the zygote imports torch while this process imports the check
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nnlessons-check-")))
        try:
            check = load_check(exercise.check)
        except Exception as exc:  # noqa: BLE001 - the check's own bug: one line for the learner
            return CheckResult(**base, status="broken", message=_broken(exc))
        verdict, output = judge(check, host, learner, scratch, exercise, blocked_imports(exercise))
    return CheckResult(**base, **verdict, output=output)


def _broken(exc: BaseException) -> str:
    return (f"the check itself failed ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); "
            f"this is a bug in the exercise, not in your code.")


def judge(check: Any, host: Any, learner: Path, scratch: Path, exercise: Exercise,
          blocked: list[str]) -> tuple[dict[str, Any], str]:
    """Run `check` on the learner's module in a fresh learner's process; return (verdict fields, their output)."""
    from nnlessons.practice import compare
    from nnlessons.practice.learner_host import (CheckBug, LearnerProcessEnded, LearnerTimeout, OutputTooLarge,
                                                 memory_limit_mb)

    compare.current_case = None
    session = None
    try:
        session = host.start(learner, scratch, forbids=exercise.forbids, blocked_imports=blocked,
                             timeout=exercise.timeout)
        with one_cpu_thread():  # as in the learner's process: same sums in the same order, and no waiting on a busy core
            summary = check(session.module)
        verdict: dict[str, Any] = {"status": "passed", "message": summary or "every case matched PyTorch."}
    except CheckFailed as failure:
        verdict = {"status": "failed", **failure.as_dict()}
    except LearnerTimeout as stopped:
        case = compare.current_case
        where = f" It was on {stopped.args[0]}." if stopped.args and stopped.args[0] else ""
        verdict = {"status": "timeout", "case": case.description if case else "",
                   "message": f"the check was stopped after {exercise.timeout:g} s" +
                              (f" on the case '{case.description}'" if case else "") +
                              f": your code may be in a loop that never ends (check each loop's condition and what "
                              f"it changes).{where}"}
    except OutputTooLarge as too_much:
        verdict = {"status": "error", "message": f"your code printed more than {too_much.args[0] // 2**20} MB, so the "
                                                 f"check stopped it: is a print inside a loop that never ends?"}
    except CheckBug as bug:
        verdict = {"status": "broken", "message": _broken(bug)}
    except LearnerProcessEnded as ended:
        verdict = {"status": "error", "message": f"your code stopped the check: {ended.args[0]}."}
    except NotImplementedError as exc:
        verdict = {"status": "todo", "message": "not implemented yet: the function still raises NotImplementedError.",
                   "traceback": getattr(exc, "learner_traceback", "")}
    except Exception as exc:  # noqa: BLE001 - what the learner's code raised, or the check's trouble with its value
        verdict = _error_verdict(exc, compare.current_case, memory_limit_mb())
    finally:
        output = ""
        if session is not None:
            output = session.output().text
            session.close()
    return verdict, output.rstrip()


@contextlib.contextmanager
def one_cpu_thread() -> Iterator[None]:
    """torch on one CPU thread while the check computes its references, then as it was."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _error_verdict(exc: Exception, case: Any, memory_mb: int) -> dict[str, Any]:
    where = f" on the case '{case.description}'" if case else ""
    theirs = getattr(exc, "learner_traceback", None)
    if getattr(exc, "out_of_memory", False):
        message = (f"your code used more memory than a check allows ({memory_mb} MB; NNLESSONS_CHECK_MEMORY_MB changes "
                   f"it){where}: does it build something much larger than the inputs?")
    elif theirs is not None:
        message = f"your code raised {getattr(exc, 'learner_type', type(exc).__name__)}{where}."
    else:  # raised here, in the check, after their code returned: most often a value of the wrong kind
        message = (f"the check could not use what your code returned ({type(exc).__name__}: "
                   f"{' '.join(str(exc).split())[:160]}){where}; if your code is right, this is a bug in the exercise.")
    return {"status": "error", "message": message, "case": case.description if case else "",
            "details": {"inputs": case.describe()} if case else {}, "traceback": theirs or ""}
