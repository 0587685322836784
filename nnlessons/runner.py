"""Run one lesson: prepare the folder, device and seeds, call its run hook, write run.json."""

from __future__ import annotations

import json
import math
import platform
import random
import shlex
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from nnlessons import __version__
from nnlessons.devices import resolve_device
from nnlessons.errors import LessonInputError
from nnlessons.lesson_info import LessonInfo
from nnlessons.registry import Lesson, LessonRegistry
from nnlessons.run_context import Params, RunContext

RUN_RECORD = "run.json"


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


def default_out_dir(lesson_id: str) -> Path:
    """./nnlessons-runs/<id>-<YYYYmmdd-HHMMSS>[-n]: a new folder per run, so nothing is overwritten."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path("nnlessons-runs") / f"{lesson_id}-{stamp}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def prepare_out_dir(path: Path) -> Path:
    """Make the folder and prove we can write in it, or raise LessonInputError."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".nnlessons-write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise LessonInputError(f"Cannot write to output folder '{path}' ({reason}); choose a writable folder with --out.") from None
    return path.resolve()


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
    """Tables go to stdout normally, to stderr under --json (stdout is then pure JSON)."""
    return Console(stderr=json_output, highlight=False)


def run_lesson(registry: LessonRegistry, request: RunRequest, console: Console) -> dict[str, Any]:
    """Run the lesson and return its run record (also written to run.json).

    Raises LessonInputError for bad input and click.exceptions.Exit(130) on Ctrl-C,
    after writing what was saved so far into run.json.
    """
    lesson: Lesson = registry.runnable(request.lesson_id)
    info = lesson.info
    params = request.params if request.params is not None else resolve_params(info, {}, request.quick)
    import torch  # heavy: only now that the lesson and its options have been checked

    device = resolve_device(request.device)  # before the folder, so a bad device leaves no empty folder
    out_dir = prepare_out_dir(request.out or default_out_dir(info.id))
    seed_everything(request.seed)
    threads_before = torch.get_num_threads()
    threads = request.threads or info.cpu_threads
    if threads:
        torch.set_num_threads(threads)
    try:
        return _run_with_context(registry, lesson, request, params, device, out_dir, console)
    finally:
        torch.set_num_threads(threads_before)


def _run_with_context(registry: LessonRegistry, lesson: Lesson, request: RunRequest, params: dict[str, Any],
                      device: Any, out_dir: Path, console: Console) -> dict[str, Any]:
    import torch

    info = lesson.info
    ctx = RunContext(
        lesson_id=info.id,
        device=device,
        seed=request.seed,
        out_dir=out_dir,
        params=Params(params),
        quick=request.quick,
        console=console,
        show_progress=console.is_terminal and not request.quiet,
    )
    console.rule(f"[bold]{info.title}[/]  ({info.id})")
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
        "metrics": {},
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
    start = time.perf_counter()
    try:
        metrics = registry.call(lesson, "nnlessons_run", ctx=ctx)
    except KeyboardInterrupt:
        record.update(status="interrupted", duration_seconds=round(time.perf_counter() - start, 3))
        record["artifacts"] = [str(p) for p in ctx.artifacts]
        _write_record(out_dir, record)
        console.print(f"[yellow]Interrupted.[/] Kept {len(ctx.artifacts)} saved file(s) and run.json in {display_path(out_dir)}")
        raise click.exceptions.Exit(130) from None
    except Exception:
        record.update(status="failed", duration_seconds=round(time.perf_counter() - start, 3))
        record["artifacts"] = [str(p) for p in ctx.artifacts]
        _write_record(out_dir, record)
        raise
    if not isinstance(metrics, dict):
        raise TypeError(f"lesson {info.id!r} returned {type(metrics).__name__} from nnlessons_run, not a dict of metrics")
    record.update(status="ok", metrics=metrics, duration_seconds=round(time.perf_counter() - start, 3))
    record["artifacts"] = [str(p) for p in ctx.artifacts]
    path = _write_record(out_dir, record)
    ctx.add_artifact(path)
    console.rule("[bold]Saved")
    for artifact in ctx.artifacts:
        console.print(f"  {display_path(artifact)}")
    console.print(f"Finished in {record['duration_seconds']:.1f} s. Re-run with: {record['command']}")
    return record


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
    path = out_dir / RUN_RECORD
    path.write_text(record_json(record))
    return path


def print_json(record: dict[str, Any]) -> None:
    sys.stdout.write(record_json(record))
