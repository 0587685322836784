"""Run a lesson in this process through the real ``nnlessons run`` command, and check what came out."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from nnlessons.output_folder import RUN_RECORD
from nnlessons.practice.progress import WORKSPACE_ENVVAR
from nnlessons.registry import LessonRegistry

#: What a test names a lesson by: an installed lesson's id (str), or its plugin (a module, or an object with hooks).
Lesson = Any


class LessonRun(dict):
    """One run as a test sees it: its ``run.json`` as a dict (``run["metrics"]``), plus what the run printed.

    ``run.out_dir`` is the run's output folder (``--out``), ``run.output`` everything it printed
    (stdout and stderr, as the user would read it) and ``run.exit_code`` the command's exit code:
    0, 1 (a bug in the lesson), 2 (bad input), 130 or 143 (stopped). The properties below read
    ``run.json``; the dict is empty when the run wrote none (it was refused before starting).
    """

    def __init__(self, record: Mapping[str, Any], *, out_dir: Path, output: str, exit_code: int) -> None:
        super().__init__(record)
        self.out_dir = out_dir
        self.output = output
        self.exit_code = exit_code

    @property
    def status(self) -> str | None:
        """``ok``, ``failed``, ``interrupted`` or ``terminated``; None when there is no run.json."""
        return self.get("status")

    @property
    def error(self) -> str | None:
        """The error sentence of a failed run."""
        return self.get("error")

    @property
    def metrics(self) -> dict[str, Any]:
        """What ``nnlessons_run`` returned."""
        return self.get("metrics", {})

    @property
    def timings(self) -> dict[str, float]:
        """What the lesson put in ``ctx.timings`` (measured times; never compare them exactly)."""
        return self.get("timings", {})

    @property
    def params(self) -> dict[str, Any]:
        """Every option's value in this run, by name."""
        return self.get("params", {})

    @property
    def artifacts(self) -> list[Path]:
        """The files the run saved, as paths (run.json lists them relative to ``out_dir``)."""
        return [self.out_dir / name for name in self.get("artifacts", [])]


def _flag_given(args: Iterable[str], flag: str) -> bool:
    return any(arg == flag or arg.startswith(flag + "=") for arg in args)


def _value_of(args: list[str], flag: str) -> str | None:
    """The value given to `flag` in `args` (``--out X`` or ``--out=X``), or None."""
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None


def _listing(folder: Path) -> list[str] | None:
    """The files under `folder`, or None when it does not exist."""
    if not folder.exists():
        return None
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.is_dir() else ["<a file>"]


class LessonRunner:
    """Runs lessons for a test, each in a new output folder under `folder`.

    The fixtures of [`nnlessons.testing`][nnlessons.testing] are this class's methods, on a runner
    whose folder is the test's ``tmp_path``; use it directly outside pytest or in a fixture of
    another scope. Progress of the runs is kept in `folder`, never in the user's data folder.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._runs: Counter[str] = Counter()
        self._last_out: dict[str, Path] = {}

    # ---- naming the lesson ---------------------------------------------------------------------

    @staticmethod
    def registry_for(lesson: Lesson) -> tuple[str, LessonRegistry | None]:
        """The lesson id, and a fresh registry holding only the plugin (None: the installed lessons)."""
        if isinstance(lesson, str):
            return lesson, None
        describe = getattr(lesson, "nnlessons_lesson_info", None)
        if describe is None:
            raise AssertionError(f"{lesson!r} is not a lesson plugin: it has no nnlessons_lesson_info hook")
        lesson_id = describe().id
        registry = LessonRegistry()
        entry = registry.add(lesson_id, lesson)
        if entry.broken:
            raise AssertionError(f"the lesson plugin {entry.source} is broken: {entry.error}")
        return lesson_id, registry

    def new_out_dir(self, lesson_id: str, args: list[str]) -> Path:
        """A folder no run has used; with ``--overwrite``, the folder of this lesson's previous run."""
        if _flag_given(args, "--overwrite") and lesson_id in self._last_out:
            return self._last_out[lesson_id]
        self._runs[lesson_id] += 1
        n = self._runs[lesson_id]
        return self.folder / (f"{lesson_id}-run" if n == 1 else f"{lesson_id}-run-{n}")

    # ---- running it ----------------------------------------------------------------------------

    def invoke(self, lesson: Lesson, args: Iterable[str], *, quick: bool = True, device: str | None = "cpu",
               env: Mapping[str, str] | None = None) -> LessonRun:
        """``nnlessons run ID [--device DEVICE] [--out NEW] ARGS [--quick]`` in this process, whatever its outcome.

        ``--device`` and ``--out`` are added unless `args` give them; ``--quick`` when `quick` is true.
        """
        from click.testing import CliRunner

        from nnlessons.cli import cli

        args = [str(a) for a in args]
        lesson_id, registry = self.registry_for(lesson)
        given_out = _value_of(args, "--out")
        out_dir = Path(given_out) if given_out is not None else self.new_out_dir(lesson_id, args)
        argv = ["run", lesson_id]
        if device is not None and not _flag_given(args, "--device"):
            argv += ["--device", device]
        if given_out is None:
            argv += ["--out", str(out_dir)]
        argv += args
        if quick and "--quick" not in args:
            argv.append("--quick")
        self._last_out[lesson_id] = out_dir
        env = {WORKSPACE_ENVVAR: str(self.folder / "nnlessons-progress"), **(env or {})}
        obj = {"registry": registry} if registry is not None else None
        result = CliRunner().invoke(cli, argv, obj=obj, env=env)
        run_json = out_dir / RUN_RECORD
        record = json.loads(run_json.read_text(encoding="utf-8")) if run_json.is_file() else {}
        return LessonRun(record, out_dir=out_dir, output=result.output, exit_code=result.exit_code)

    def run(self, lesson: Lesson, *args: str, quick: bool = True, device: str | None = "cpu", check: bool = True,
            env: Mapping[str, str] | None = None) -> LessonRun:
        """Run `lesson` with `args` and return the run; with `check`, fail the test unless it finished ``ok``.

        :param lesson: an installed lesson's id (``"my-lesson"``), or its plugin module or object,
            registered on a fresh registry (so it need not be installed).
        :param args: the lesson's options and common options, as typed: ``"--lr", "0.1"``.
        :param quick: add ``--quick`` (the default; ``quick=False`` runs the default size).
        :param device: the ``--device`` to add unless `args` give one (None: add none).
        :param check: fail unless the exit code is 0 and run.json says ``ok``.
        :param env: environment variables for the run (an Option's ``envvar``, ``COLUMNS``).
        """
        __tracebackhide__ = True
        run = self.invoke(lesson, args, quick=quick, device=device, env=env)
        if check and (run.exit_code != 0 or run.status != "ok"):
            raise AssertionError(f"the run ended with exit code {run.exit_code} and status {run.status!r}; "
                                 f"it printed:\n{run.output}")
        return run

    def expect_usage_error(self, lesson: Lesson, *args: str, message: str, writes_nothing: bool = True,
                           quick: bool = True, device: str | None = "cpu",
                           env: Mapping[str, str] | None = None) -> LessonRun:
        """Run `lesson` with `args` and fail the test unless it is refused as bad input.

        Refused means: exit code 2, no traceback, and the last line printed is the one
        ``Error: ...`` line, containing `message` (a plain substring, not a pattern).

        :param writes_nothing: also require that nothing was written: the ``--out`` folder is
            as before (not made, when it did not exist). True suits a bad option value and a
            rule of ``nnlessons_check_params``. With False (an error found during the run),
            require instead that run.json says ``failed`` with the same sentence.
        """
        __tracebackhide__ = True
        args = [str(a) for a in args]
        given_out = _value_of(args, "--out")
        before = _listing(Path(given_out)) if given_out is not None else None
        run = self.invoke(lesson, args, quick=quick, device=device, env=env)
        lines = run.output.strip().splitlines()
        errors = [line for line in lines if line.startswith("Error: ")]
        if run.exit_code != 2:
            raise AssertionError(f"expected exit code 2 (bad input), got {run.exit_code}; the run printed:\n{run.output}")
        if "Traceback" in run.output:
            raise AssertionError(f"a refused run must not print a traceback; it printed:\n{run.output}")
        if len(errors) != 1 or lines[-1] != errors[0]:
            raise AssertionError(f"expected one 'Error: ...' line, printed last; the run printed:\n{run.output}")
        if message not in errors[0]:
            raise AssertionError(f"the error does not say {message!r}:\n{errors[0]}")
        if writes_nothing and _listing(run.out_dir) != before:
            raise AssertionError(f"the refused run wrote into {run.out_dir}: {_listing(run.out_dir)}")
        if not writes_nothing and (run.status != "failed" or message not in (run.error or "")):
            raise AssertionError(f"run.json must say status 'failed' with the error; it says {run.status!r}, {run.error!r}")
        return run

    def check_device_placement(self, lesson: Lesson, *args: str, quick: bool = True, code: Iterable[str] = (),
                               batch_copies_in: Iterable[str] = (), max_copies_per_line: int | None = None) -> LessonRun:
        """Run `lesson` on the CPU and fail the test unless ``--device cuda`` would keep every tensor on the device.

        The run happens under a [`DeviceShadow`][nnlessons.testing.device_placement.DeviceShadow], which
        sees on a CPU-only machine what a GPU would refuse: a tensor left on the host meeting one on
        the device, ``.numpy()`` of a device tensor, a CPU generator filling a device tensor, and a
        host-to-device copy inside a loop. Each problem is reported with the line of lesson code.

        :param code: more files or folders to count as lesson code (the plugin's package folder
            and nnlessons' MNIST data layer always are).
        :param batch_copies_in: ``"file.py:function"`` of functions that move every batch to the
            device on purpose (a DataLoader loop).
        :param max_copies_per_line: more copies than this from one line is a copy in a loop
            (default [`MAX_COPIES_PER_LINE`][nnlessons.testing.device_placement.MAX_COPIES_PER_LINE]).
        """
        __tracebackhide__ = True
        from nnlessons.testing import device_placement  # imports torch: only when a test checks placement

        limit = device_placement.MAX_COPIES_PER_LINE if max_copies_per_line is None else max_copies_per_line
        where = (*device_placement.lesson_code(lesson), *code)
        with device_placement.watching_device_placement(where, max_copies_per_line=limit,
                                                        batch_copies_in=batch_copies_in) as shadow:
            run = self.run(lesson, *args, quick=quick, device="cpu")
        problems = shadow.problems()
        if problems:
            raise AssertionError("with --device cuda these would fail or copy behind the lesson's back:\n" + "\n".join(problems))
        if shadow.marked == 0:
            raise AssertionError("nothing was put on ctx.device: the lesson never used the device it was given")
        return run
