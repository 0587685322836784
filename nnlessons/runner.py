"""Run one lesson: prepare the folder, device and seeds, call its run hook; run.json says how far it got."""

from __future__ import annotations

import json
import math
import platform
import random
import shlex
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from nnlessons import __version__, atomic_files
from nnlessons.devices import resolve_device
from nnlessons.lesson_info import LessonInfo
from nnlessons.output_folder import RUN_RECORD, OutputFolder
from nnlessons.practice.progress import record_lesson_run
from nnlessons.registry import Lesson, LessonRegistry
from nnlessons.run_context import Params, RunContext, markup, print_rule
from nnlessons.stop_signals import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, sigterm_as_interrupt

class RecordedContext(RunContext):
    """The RunContext a run gets: each new artifact calls `on_artifact`, which rewrites run.json.

    So the files of a run killed outright (``kill -9``: no handler runs) are listed in its
    run.json, whose status still says ``running``, and ``--overwrite`` can replace them.
    """

    on_artifact: Callable[[], None] | None = None

    def add_artifact(self, path: Path | str) -> Path:
        known = len(self.artifacts)
        path = super().add_artifact(path)
        if self.on_artifact is not None and len(self.artifacts) > known:
            self.on_artifact()
        return path


@dataclass
class RunRequest:
    """What the user asked for on the command line."""

    lesson_id: str
    device: str = "auto"
    seed: int = 0
    out: Path | None = None
    quick: bool = False
    params: dict[str, Any] | None = None  # every lesson option, already resolved
    quiet: bool = False
    json_output: bool = False
    threads: int | None = None  # torch CPU threads; None: the lesson's cpu_threads, else torch's default
    overwrite: bool = False  # replace an earlier run saved in --out


def resolve_params(info: LessonInfo, given: dict[str, Any], quick: bool) -> dict[str, Any]:
    """Each option's value: what the user gave, else its --quick value (under --quick), else its default."""
    values = {}
    for option in info.options:
        if option.name in given:
            values[option.name] = given[option.name]
        elif quick and option.quick is not None:
            values[option.name] = option.quick
        else:
            values[option.name] = option.default
    return values


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch (all devices) so the same seed gives the same numbers."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True


def _jsonable(value: Any) -> Any:
    """Metrics may hold numpy or torch scalars; turn them into plain numbers."""
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"metric value of type {type(value).__name__} is not JSON-serialisable")


def reproduce_command(request: RunRequest, info: LessonInfo, params: dict[str, Any], device: str) -> str:
    """The command that runs this again with the same settings (shell-quoted)."""
    parts = ["nnlessons", "run", info.id, "--seed", str(request.seed), "--device", device]
    if request.threads:
        parts += ["--threads", str(request.threads)]
    for option in info.options:
        value = params[option.name]
        if value is None:
            continue  # "not given" (e.g. no --csv): leaving the flag out reproduces it
        if option.type is bool:
            parts.append(option.flag if value else "--no-" + option.flag[2:])
        else:
            parts += [option.flag, str(value)]
    return shlex.join(parts)


def make_console(json_output: bool) -> Console:
    """Tables go to stdout normally, to stderr under --json (stdout is then pure JSON).

    Markup is off: whatever is printed as a string appears exactly as written, so paths,
    values and messages with square brackets are never read as rich markup. Styled
    text is built explicitly with `markup()` or `rich.text.Text`.
    """
    return Console(stderr=json_output, highlight=False, markup=False)


def check_params(registry: LessonRegistry, lesson: Lesson, params: dict[str, Any]) -> None:
    """The lesson's own rules between options (its check hook); raises LessonInputError."""
    registry.call(lesson, "nnlessons_check_params", params=Params(params))


def run_lesson(registry: LessonRegistry, request: RunRequest, console: Console) -> dict[str, Any]:
    """Run the lesson and return its run record (also written to run.json).

    Raises LessonInputError for bad input (before anything is written when it can be
    known in advance) and click.exceptions.Exit(130) on Ctrl-C or Exit(143) on SIGTERM,
    after writing what was saved so far into run.json.
    """
    lesson: Lesson = registry.runnable(request.lesson_id)
    info = lesson.info
    params = request.params if request.params is not None else resolve_params(info, {}, request.quick)
    check_params(registry, lesson, params)
    import torch  # heavy: only now that the lesson and its options have been checked

    device = resolve_device(request.device)  # before the folder, so a bad device leaves no empty folder
    folder = OutputFolder.claim(request.out, info.id, overwrite=request.overwrite)
    seed_everything(request.seed)
    threads_before = torch.get_num_threads()
    threads = request.threads or info.cpu_threads
    if threads:
        torch.set_num_threads(threads)
    try:
        return _run_with_context(registry, lesson, request, params, device, folder.path, console)
    finally:
        torch.set_num_threads(threads_before)
        folder.release()


def _run_with_context(registry: LessonRegistry, lesson: Lesson, request: RunRequest, params: dict[str, Any],
                      device: Any, out_dir: Path, console: Console) -> dict[str, Any]:
    import torch

    info = lesson.info
    ctx = RecordedContext(
        lesson_id=info.id,
        device=device,
        seed=request.seed,
        out_dir=out_dir,
        params=Params(params),
        quick=request.quick,
        console=console,
        show_progress=console.is_terminal and not request.quiet,
    )
    print_rule(console, markup("[bold]{}[/]  ({})", info.title, info.id))
    ctx.table(
        "Run settings",
        ["setting", "value"],
        [("device", str(device)), ("seed", request.seed), ("CPU threads", torch.get_num_threads()),
         ("quick", request.quick), ("output folder", display_path(out_dir))]
        + [(option.flag, params[option.name]) for option in info.options],
    )

    record: dict[str, Any] = {
        "lesson": info.id,
        "title": info.title,
        "status": "running",
        "seed": request.seed,
        "device": str(device),
        "device_requested": request.device,
        "quick": request.quick,
        "threads": torch.get_num_threads(),
        "params": params,
        "params_adjusted": {},  # options the run changed once started (asked, used, reason)
        "metrics": {},
        "timings": {},
        "artifacts": [],
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "duration_seconds": None,
        "versions": {
            "nnlessons": __version__,
            "torch": torch.__version__,
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "command": reproduce_command(request, info, params, str(device)) + (" --quick" if request.quick else ""),
    }
    clock = ctx.clock
    start = clock()

    def save_running() -> Path:
        """run.json as it stands while the run goes on (status running): what a killed run leaves."""
        record["artifacts"] = [relative_artifact(p, out_dir) for p in ctx.artifacts]
        return _write_record(out_dir, record)

    def finish(status: str, error: str | None = None) -> Path:
        ctx.on_artifact = None
        record.update(status=status, duration_seconds=round(clock() - start, 3), timings=dict(ctx.timings))
        if ctx.params_adjusted:  # a value the run could only check once started: record what it used
            used = dict(ctx.params)
            record.update(params=used, params_adjusted=dict(ctx.params_adjusted),
                          command=reproduce_command(request, info, used, str(device)) + (" --quick" if request.quick else ""))
        record["artifacts"] = [relative_artifact(p, out_dir) for p in ctx.artifacts]
        record["steps"] = [{"title": step["title"], "artifacts": [relative_artifact(p, out_dir) for p in step["artifacts"]]}
                           for step in ctx.steps]
        record["captions"] = {relative_artifact(p, out_dir): text for p, text in ctx.captions.items()}
        if error is not None:
            record["error"] = error
        return _write_record(out_dir, record)

    save_running()
    ctx.on_artifact = save_running
    try:
        with sigterm_as_interrupt():
            metrics = registry.call(lesson, "nnlessons_run", ctx=ctx)
            if not isinstance(metrics, dict):
                raise TypeError(f"lesson {info.id!r} returned {type(metrics).__name__} from nnlessons_run, not a dict of metrics")
            try:
                record_json({"metrics": metrics})
            except (TypeError, ValueError) as exc:
                raise TypeError(f"lesson {info.id!r} returned metrics that run.json cannot hold ({exc}); "
                                f"metrics are numbers, strings, booleans, lists and dicts of them") from None
            record["metrics"] = metrics
            path = finish("ok")
    except KeyboardInterrupt as stop:
        terminated = isinstance(stop, Terminated)
        finish("terminated" if terminated else "interrupted")
        console.print(markup("[yellow]{}[/] Kept {} saved file(s) and run.json in {}",
                             "Terminated." if terminated else "Interrupted.", len(ctx.artifacts), display_path(out_dir)))
        if isinstance(stop, Terminated) and stop.outer_handler is not None:
            stop.outer_handler(signal.SIGTERM, None)  # the signal was for the host program too: hand it on
        raise click.exceptions.Exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED) from None
    except click.ClickException as exc:
        finish("failed", exc.format_message())
        raise
    except Exception as exc:
        finish("failed", f"{type(exc).__name__}: {exc}")
        raise
    finally:
        ctx.remove_scratch()
    ctx.add_artifact(path)
    notice = record_lesson_run(info.id)  # for `nnlessons progress`
    if notice:
        console.print(Text(notice, style="yellow"))
    print_adjusted_settings(ctx)
    console.rule(Text("Saved", style="bold"))
    for artifact in ctx.artifacts:
        console.print(Text(f"  {display_path(artifact)}"))
    console.print(Text(f"Finished in {record['duration_seconds']:.1f} s. Re-run with: {record['command']}"))
    return record


def print_adjusted_settings(ctx: RunContext) -> None:
    """The settings the run changed (`RunContext.adjust_param`), as used: the table at the start shows what was asked."""
    if ctx.params_adjusted:
        ctx.table("Run settings changed during the run", ["setting", "asked", "used", "why"],
                  [("--" + name.replace("_", "-"), change["asked"], change["used"], change["reason"])
                   for name, change in ctx.params_adjusted.items()])


def relative_artifact(path: Path, out_dir: Path) -> str:
    """An artifact's path as run.json records it: relative to the output folder when inside it."""
    try:
        return Path(path).resolve().relative_to(out_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _finite(value: Any) -> Any:
    """NaN and infinity are not JSON: write them as null so run.json stays valid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def record_json(record: dict[str, Any]) -> str:
    """The run record as strict JSON text (numpy/torch scalars as numbers, NaN as null)."""
    plain = json.loads(json.dumps(record, default=_jsonable))
    return json.dumps(_finite(plain), indent=2, allow_nan=False) + "\n"


def _write_record(out_dir: Path, record: dict[str, Any]) -> Path:
    return atomic_files.write_text(out_dir / RUN_RECORD, record_json(record))


def print_json(record: dict[str, Any]) -> None:
    sys.stdout.write(record_json(record))
