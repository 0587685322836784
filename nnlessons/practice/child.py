"""The subprocess that runs one check: import the learner's file, call the check, write the result as JSON.

Started by [`checker`][nnlessons.practice.checker] as
``python -I -m nnlessons.practice.child CHECK LEARNER_FILE RESULT_FILE``: ``-I`` keeps the
current folder (and its stray ``torch.py`` or ``json.py``) and the user's site customisations
off the import path. Tests call `check_file` directly.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from nnlessons.practice.exercise import CheckFailed

SYS_PATH_ENVVAR = "NNLESSONS_PRACTICE_SYS_PATH"  # the parent's import path, less the current folder


def load_learner_module(path: Path) -> ModuleType:
    """Import the learner's file as a fresh module (its folder is not put on sys.path)."""
    name = "learner_" + "".join(c if c.isalnum() else "_" for c in path.stem)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_check(spec: str) -> Any:
    module_name, _, function = spec.partition(":")
    return getattr(importlib.import_module(module_name), function)


def learner_traceback(exc: BaseException, learner: Path) -> str:
    """The learner's own frames and the error line; nnlessons' and the check's frames are left out."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _same_file(f.filename, learner)]
    lines = traceback.format_list(frames) if frames else []
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines).rstrip()


def _same_file(name: str, learner: Path) -> bool:
    try:
        return Path(name).resolve() == learner.resolve()
    except OSError:
        return False


def check_file(check_spec: str, learner: Path) -> dict[str, Any]:
    """Run the check `check_spec` ("module:function") on the learner's file; return the result as a dict.

    status: ``passed``; ``failed`` (a case differs: message, case, details, mistake); ``todo`` (the
    code still raises NotImplementedError); ``error`` (the learner's code raised, or does not
    import: traceback of the learner's frames).
    """
    from nnlessons.practice import compare

    compare.current_case = None
    check = load_check(check_spec)  # a failure here is the check's bug, not the learner's: let it raise
    try:
        module = load_learner_module(learner)
        summary = check(module)
    except CheckFailed as failure:
        return {"status": "failed", **failure.as_dict()}
    except NotImplementedError as exc:
        where = learner_traceback(exc, learner)
        return {"status": "todo", "message": "not implemented yet: the function still raises NotImplementedError.",
                "traceback": where}
    except Exception as exc:  # noqa: BLE001 - anything the learner's code raises is reported to them
        case = compare.current_case
        ours = isinstance(exc, SyntaxError) or any(_same_file(f.filename, learner) for f in traceback.extract_tb(exc.__traceback__))
        if ours:
            message = f"your code raised {type(exc).__name__}" + (f" on the case '{case.description}'." if case else ".")
        else:  # raised in the check after your code returned: most often a value of the wrong kind
            message = (f"the check could not use what your code returned ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})"
                       + (f" on the case '{case.description}'" if case else "")
                       + "; if your code is right, this is a bug in the exercise.")
        return {
            "status": "error",
            "message": message,
            "case": case.description if case else "",
            "details": {"inputs": case.describe()} if case else {},
            "traceback": learner_traceback(exc, learner),
        }
    return {"status": "passed", "message": summary or "every case matched PyTorch."}


def main(argv: list[str]) -> int:
    check_spec, learner, result_file = argv
    extra = json.loads(os.environ.get(SYS_PATH_ENVVAR, "[]"))
    sys.path.extend(p for p in extra if p not in sys.path)
    import torch

    torch.set_num_threads(1)  # small checks run fastest on one thread, and the same on every machine
    try:
        result = check_file(check_spec, Path(learner))
    except Exception as exc:  # noqa: BLE001 - a broken check: one line for the learner, the rest for its author
        result = {"status": "broken", "message": f"the check itself failed ({type(exc).__name__}: {exc}); "
                                                 f"this is a bug in the exercise, not in your code."}
    Path(result_file).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
