"""The practice commands: practice, check, hint, solution, watch, progress.

None of them imports torch at import time: `check` imports it when it checks (`nnlessons.practice.checker`).
Progress is read once for showing (`load_progress`); each change is written on its own, at once,
with `record` (see `nnlessons.practice.progress` for why).
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from nnlessons.errors import LessonInputError
from nnlessons.practice import catalog, report
from nnlessons.practice.catalog import Entry
from nnlessons.practice.checker import CheckResult, run_check
from nnlessons.practice.exercise import LEVELS
from nnlessons.practice.progress import Progress, path_for, unsaved_line, updating
from nnlessons.practice.workspace import Workspace, chosen
from nnlessons.invocation import registry_of
from nnlessons.registry import LessonRegistry
from nnlessons.stop_signals import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, sigterm_as_interrupt


ALL_SHOWN = "\x00all"  # --reset with no value: every exercise file that `practice LESSON` shows


def workspace_option(fn):
    return click.option("--workspace", type=click.Path(path_type=Path, file_okay=False), default=None,
                        help="Practice folder (default: ./nnlessons-practice, or $NNLESSONS_WORKSPACE). "
                             "Progress is kept there too when you choose one.")(fn)


def load_progress(workspace: Path | None, console: Console) -> Progress:
    """This command's copy of the progress, for showing; a notice about the file is printed in yellow."""
    progress = Progress.load(path_for(chosen(workspace)))
    if progress.notice:
        console.print(Text(progress.notice, style="yellow"))
    return progress


def record(progress: Progress, console: Console, change: Callable[[Progress], None], warn: bool = True) -> bool:
    """Apply `change` to the progress file and save it now; False if it could not be saved.

    The change is applied to what the file holds now, under its lock (another command may have
    written since `progress`, this command's copy, was loaded), and the copy is then refreshed
    to what was saved. When saving fails (a read-only folder), the change is still applied to the
    copy, so the command goes on as if it were saved, and one yellow line says why (if `warn`).
    """
    try:
        with updating(progress.path) as fresh:
            change(fresh)
    except OSError as exc:
        change(progress)
        if warn:
            console.print(Text(unsaved_line(progress.path, exc), style="yellow"))
        return False
    if fresh.notice:
        console.print(Text(fresh.notice, style="yellow"))
    progress.lessons_run, progress.exercises = fresh.lessons_run, fresh.exercises
    return True


def take_hint(progress: Progress, full_id: str, total: int) -> None:
    """One more hint of `full_id` used, up to `total`."""
    entry = progress.exercise(full_id)
    if entry.hints_used < total:
        entry.hints_used += 1


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def status_of(entry: Entry, progress: Progress, file: Path) -> str:
    record = progress.exercises.get(entry.full_id)
    if record and record.passed:
        return "passed"
    if not file.exists():
        return "not started"
    return "tried" if record and record.attempts else "to do"


# ---- practice -------------------------------------------------------------------------------


@click.command()
@click.argument("lesson_id", required=False, metavar="[LESSON]")
@workspace_option
@click.option("--reset", "reset_target", metavar="[EXERCISE]", is_flag=False, flag_value=ALL_SHOWN,
              help="Put the starter files back: EXERCISE's, or (with no value) every file 'practice LESSON' shows. "
                   "An edited file is saved beside it first; an unedited one needs no copy.")
@click.option("--json", "as_json", is_flag=True, help="Print the exercises as JSON.")
@click.pass_context
def practice(ctx: click.Context, lesson_id: str | None, workspace: Path | None, reset_target: str | None, as_json: bool) -> None:
    """Write a lesson's exercise files into your practice folder (never over your edits).

    Without LESSON: the lessons that have exercises, and your progress in each.
    """
    registry = registry_of(ctx)
    console = Console(stderr=as_json, highlight=False)
    progress = load_progress(workspace, console)
    space = Workspace.from_option(workspace)
    if reset_target:
        _reset(registry, space, console, lesson_id, reset_target, as_json)
        return
    if lesson_id is None:
        _practice_overview(registry, progress, space, console, as_json)
        return
    entries = catalog.resolve(registry, lesson_id)
    if "/" in lesson_id:
        raise LessonInputError(f"'nnlessons practice' takes a lesson, not one exercise; try 'nnlessons practice {lesson_id.split('/')[0]}'.")
    written = space.write_starters(entries)
    rows = [{"exercise": e.full_id, "title": e.exercise.title, "level": e.exercise.level, "minutes": e.exercise.minutes,
             "file": str(path), "written": new, "status": status_of(e, progress, path)} for e, path, new in written]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    folder = display(written[0][1].parent) if written else ""
    table = Table(title=f"Exercises of {lesson_id}", title_justify="left", caption=Text(f"files in {folder}/"),
                  caption_justify="left")
    table.add_column("exercise", no_wrap=True, style="bold")  # an id is typed as a whole: never broken
    table.add_column("level", no_wrap=True)
    table.add_column("min", justify="right", no_wrap=True)
    table.add_column("status", overflow="fold")
    wide = console.width >= 120  # titles and file names only where they fit without breaking every word
    if wide:
        table.add_column("title", overflow="fold")
        table.add_column("file", overflow="fold")
    for row, (_e, path, new) in zip(rows, written):
        cells = [Text(row["exercise"]), Text(row["level"]), str(row["minutes"]),
                 Text(row["status"] + (" (new file)" if new else " (your file, kept)"))]
        table.add_row(*cells, *([Text(row["title"]), Text(path.name)] if wide else []))
    console.print(table)
    first = next((e for e, path, _ in written if status_of(e, progress, path) != "passed"), None)
    if first is None:
        console.print(Text(f"Every exercise of {lesson_id} passes. Well done. " + next_lesson_line(registry, lesson_id)))
        return
    show_task(first, space, console, "First")


def _reset(registry: LessonRegistry, space: Workspace, console: Console, lesson_id: str | None, target: str,
           as_json: bool) -> None:
    if target == ALL_SHOWN:
        if not lesson_id or "/" in lesson_id:
            raise LessonInputError("--reset with no exercise resets a lesson's files: name the lesson, e.g. "
                                   "'nnlessons practice gd-variants --reset', or one exercise with --reset EXERCISE.")
        entries = catalog.resolve(registry, lesson_id)
    else:
        full = target if "/" in target or not lesson_id else f"{lesson_id}/{target}"
        entries = [catalog.resolve_one(registry, full)]
    done = []
    for entry in entries:
        path, saved = space.reset(entry)
        done.append({"exercise": entry.full_id, "file": str(path), "saved": str(saved) if saved else None})
        if not as_json:
            console.print(Text(f"Put the starter of {entry.full_id} back in {display(path)}" + (
                f"; your version is saved as {display(saved)}." if saved else " (it was unedited: no copy kept).")))
    if as_json:
        click.echo(json.dumps(done[0] if target != ALL_SHOWN else done, indent=2))


def show_task(entry: Entry, space: Workspace, console: Console, label: str) -> None:
    """The exercise's heading (level, minutes), its task, and what to do next."""
    exercise = entry.exercise
    console.rule(Text(f"{label}: {entry.full_id}  {exercise.title}  ({exercise.level}, about {exercise.minutes} min)",
                      style="bold"))
    console.print(Text(exercise.task()))
    console.print(Text(f"\nOpen {display(space.file(entry))} in your editor, then run: nnlessons check", style="bold"))


def next_lesson_line(registry: LessonRegistry, lesson_id: str) -> str:
    """'Next in the course: nnlessons practice X (title)', or that this was the last lesson with exercises."""
    lessons = [lesson for lesson in registry.ordered() if not lesson.broken and catalog.exercises_of(registry, lesson)]
    ids = [lesson.id for lesson in lessons]
    if lesson_id in ids and ids.index(lesson_id) + 1 < len(ids):
        following = lessons[ids.index(lesson_id) + 1]
        return f"Next in the course: nnlessons practice {following.id} ({following.info.title})."
    return "That was the last lesson with exercises in the course."


def _practice_overview(registry: LessonRegistry, progress: Progress, space: Workspace, console: Console, as_json: bool) -> None:
    rows = []
    for lesson in registry.ordered():
        if lesson.broken:
            continue
        entries = catalog.exercises_of(registry, lesson)
        if not entries:
            continue
        passed = sum(1 for e in entries if progress.exercises.get(e.full_id, None) and progress.exercises[e.full_id].passed)
        rows.append({"lesson": lesson.id, "title": lesson.info.title, "exercises": len(entries), "passed": passed})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        console.print("No installed lesson has exercises yet.")
        return
    table = Table(title="Lessons with exercises", title_justify="left")
    table.add_column("lesson", no_wrap=True, style="bold")
    table.add_column("title", overflow="fold")
    table.add_column("exercises", justify="right")
    table.add_column("passed", justify="right")
    for row in rows:
        table.add_row(Text(row["lesson"]), Text(row["title"]), str(row["exercises"]), str(row["passed"]))
    console.print(table)
    console.print(Text(f"Start one with: nnlessons practice LESSON  (files go to {display(space.root)}/LESSON/)"))


# ---- check ----------------------------------------------------------------------------------


def next_unfinished(registry: LessonRegistry, space: Workspace, progress: Progress) -> Entry | None:
    """The first exercise, in course order, whose file is in the workspace and has not passed."""
    for entry in catalog.all_exercises(registry):
        record = progress.exercises.get(entry.full_id)
        if space.file(entry).exists() and not (record and record.passed):
            return entry
    return None


def current_exercise(registry: LessonRegistry, workspace: Path | None, progress: Progress) -> Entry:
    """The exercise a learner is on: the first unfinished one with a file, in course order."""
    space = Workspace.from_option(workspace)
    entry = next_unfinished(registry, space, progress)
    if entry is None:
        raise LessonInputError(f"There is no unfinished exercise file in {display(space.root)}; name one as LESSON/EXERCISE, "
                               f"or start a lesson with 'nnlessons practice LESSON'.")
    return entry


def started(registry: LessonRegistry, space: Workspace) -> list[Entry]:
    return [e for e in catalog.all_exercises(registry) if space.file(e).exists()]


def check_and_record(entries: list[Entry], space: Workspace, progress: Progress, console: Console,
                     results: list[CheckResult] | None = None, host: Any = None,
                     files: list[Path] | None = None) -> list[CheckResult]:
    """Check each entry, recording each result as soon as its check finishes (a Ctrl-C later keeps it).

    Results are appended to `results` as they come, so a caller stopped half-way still has the
    finished ones. One learner's host (torch imported once) serves every check. If progress cannot
    be saved, the results still come back; one line says so, once.
    """
    from nnlessons.practice.learner_host import LearnerHost

    results = [] if results is None else results
    saved = True
    with contextlib.ExitStack() as stack:
        if host is None:
            host = stack.enter_context(LearnerHost())
        for number, entry in enumerate(entries):
            file = files[number] if files else space.file(entry)  # a path the learner gave, or their workspace's
            result = run_check(entry.full_id, entry.exercise, file, host=host)
            if result.status != "missing":
                change = functools.partial(Progress.record_check, full_id=entry.full_id, passed=result.passed)
                saved = record(progress, console, change, warn=saved) and saved
            results.append(result)
    return results


@click.command()
@click.argument("target", required=False, metavar="[EXERCISE|LESSON|FILE]")
@click.option("--all", "check_all", is_flag=True, help="Check every exercise file in the practice folder.")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
def check(ctx: click.Context, target: str | None, check_all: bool, workspace: Path | None, as_json: bool) -> None:
    """Check your exercise code against PyTorch (exit 0: all pass, 1: one does not).

    \b
    nnlessons check                              the next unfinished exercise
    nnlessons check cnn-shapes/conv2d-by-loops   one exercise
    nnlessons check cnn-shapes                   every exercise of a lesson
    nnlessons check PATH/conv2d_by_loops.py      the exercise of that file (its folder is the lesson)
    nnlessons check --all                        every exercise file you have
    """
    registry = registry_of(ctx)
    console = Console(stderr=as_json, highlight=False)
    progress = load_progress(workspace, console)
    space = Workspace.from_option(workspace)
    if target and check_all:
        raise LessonInputError("Give either an exercise or lesson, or --all, not both.")
    files: list[Path] | None = None  # the learner's own path, when they gave one
    if target and looks_like_a_path(target):
        entries, files = entry_of_file(registry, Path(target))
    elif target:
        entries = catalog.resolve(registry, target)
    elif check_all:
        entries = started(registry, space)
    else:
        entry = next_unfinished(registry, space, progress)
        entries = [entry] if entry else []
        if not entries and started(registry, space):
            console.print(Text(f"Every exercise in {display(space.root)} passes. More: nnlessons practice LESSON"))
            if as_json:
                click.echo("[]")
            return
    if not entries:
        raise LessonInputError(f"There are no exercise files in {display(space.root)}; start with 'nnlessons practice LESSON' "
                               f"(or point --workspace at your practice folder).")
    results: list[CheckResult] = []
    try:
        with sigterm_as_interrupt():
            check_and_record(entries, space, progress, console, results, files=files)
    except KeyboardInterrupt as stop:  # Ctrl-C or SIGTERM: the learner's processes are already gone
        show_results(results, console, as_json)
        terminated = isinstance(stop, Terminated)
        console.print(Text(f"{'Terminated' if terminated else 'Interrupted'}: {len(results)} of {len(entries)} "
                           f"exercise(s) checked and recorded.", style="yellow"))
        if terminated and stop.outer_handler is not None:
            stop.outer_handler(signal.SIGTERM, None)  # the signal was for the host program too: hand it on
        ctx.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
    show_results(results, console, as_json)
    if not as_json:
        for lesson_id in dict.fromkeys(r.exercise.split("/")[0] for r in results if r.passed):
            lesson_entries = catalog.resolve(registry, lesson_id)
            if all(progress.exercises.get(e.full_id) and progress.exercises[e.full_id].passed for e in lesson_entries):
                console.print(Text(f"Every exercise of {lesson_id} passes. " + next_lesson_line(registry, lesson_id),
                                   style="bold green"))
    ctx.exit(0 if all(r.passed for r in results) else 1)


def looks_like_a_path(target: str) -> bool:
    """A learner's file (``nnlessons-practice/gd-variants/mse_gradient.py``) rather than LESSON[/EXERCISE]."""
    return target.endswith(".py") or Path(target).is_file()


def entry_of_file(registry: LessonRegistry, path: Path) -> tuple[list[Entry], list[Path]]:
    """The exercise a file is for: its folder names the lesson, its name the exercise's file."""
    if not path.is_file():
        raise LessonInputError(f"There is no file '{path}'; give the path of one of your exercise files, "
                               f"or LESSON/EXERCISE.")
    lesson_id = path.resolve().parent.name
    if lesson_id not in registry.lessons:
        raise LessonInputError(f"'{path}' is not in a lesson's folder (its folder '{lesson_id}' is no lesson id); "
                               f"exercise files live in PRACTICE_FOLDER/LESSON/, or name it as LESSON/EXERCISE.")
    for entry in catalog.resolve(registry, lesson_id):
        if entry.exercise.file_name == path.name:
            return [entry], [path]
    names = ", ".join(e.exercise.file_name for e in catalog.resolve(registry, lesson_id))
    raise LessonInputError(f"{lesson_id} has no exercise in a file named '{path.name}'; its files are {names}.")


def show_results(results: list[CheckResult], console: Console, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in results], indent=2))
        return
    for result in results:
        console.print(report.panel(result, display(Path(result.file))))
    if len(results) > 1:
        passed = sum(r.passed for r in results)
        console.print(Text(f"{passed} of {len(results)} passed.", style="bold"))


# ---- next -----------------------------------------------------------------------------------------


@click.command("next")
@workspace_option
@click.pass_context
def next_command(ctx: click.Context, workspace: Path | None) -> None:
    """Open the next unfinished exercise: its task and file (written if it is not there yet)."""
    registry = registry_of(ctx)
    console = Console(highlight=False)
    progress = load_progress(workspace, console)
    space = Workspace.from_option(workspace)
    entry = next_unfinished(registry, space, progress)
    if entry is None:  # no unfinished file: the first exercise of the course not passed yet
        entry = next((e for e in catalog.all_exercises(registry)
                      if not (progress.exercises.get(e.full_id) and progress.exercises[e.full_id].passed)), None)
        if entry is None:
            console.print(Text("Every exercise of every installed lesson passes. Well done.", style="bold green"))
            return
        space.write_starters(catalog.resolve(registry, entry.lesson.id))
    show_task(entry, space, console, "Next")


# ---- hint and solution ------------------------------------------------------------------------


@click.command()
@click.argument("target", required=False, metavar="[EXERCISE]")
@workspace_option
@click.pass_context
def hint(ctx: click.Context, target: str | None, workspace: Path | None) -> None:
    """Show the next hint of EXERCISE (LESSON/EXERCISE; default: your current one), one tier at a time."""
    registry = registry_of(ctx)
    console = Console(highlight=False)
    progress = load_progress(workspace, console)
    entry = catalog.resolve_one(registry, target) if target else current_exercise(registry, workspace, progress)
    hints = entry.exercise.hints
    if not hints:
        raise LessonInputError(f"{entry.full_id} has no hints; its task is in {display(Workspace.from_option(workspace).file(entry))}.")
    if progress.exercise(entry.full_id).hints_used < len(hints):
        record(progress, console, lambda p: take_hint(p, entry.full_id, len(hints)))
    shown = progress.exercise(entry.full_id).hints_used
    for number, text in enumerate(hints[:shown], start=1):
        style = "bold" if number == shown else "dim"
        console.print(Text.assemble((f"Hint {number} of {len(hints)}: ", "bold cyan" if number == shown else "dim"), (text, style)))
    if shown == len(hints):
        console.print(Text(f"That was the last hint. After a pass, 'nnlessons solution {entry.full_id}' shows the reference "
                           f"(or --reveal now, which is recorded).", style="dim"))
    else:
        console.print(Text(f"Another one: nnlessons hint {entry.full_id}", style="dim"))


@click.command()
@click.argument("target", metavar="EXERCISE")
@click.option("--reveal", is_flag=True, help="Show it before you pass (recorded in your progress as revealed).")
@workspace_option
@click.pass_context
def solution(ctx: click.Context, target: str, reveal: bool, workspace: Path | None) -> None:
    """Show the reference solution of EXERCISE once it passes, with a diff against your code.

    When the output is not a terminal, only the code is printed (for scripts and editors).
    """
    registry = registry_of(ctx)
    console = Console(highlight=False, stderr=not sys.stdout.isatty())
    progress = load_progress(workspace, console)
    entry = catalog.resolve_one(registry, target)
    mine = progress.exercise(entry.full_id)
    if not mine.passed and not reveal:
        raise LessonInputError(f"The solution of {entry.full_id} opens once your code passes 'nnlessons check {entry.full_id}'; "
                               f"to see it now anyway, add --reveal (your progress will say so).")
    if reveal and not mine.passed and not mine.revealed:
        record(progress, console, lambda p: reveal_solution(p, entry.full_id))
    code = entry.exercise.solution_text()
    if not sys.stdout.isatty():
        sys.stdout.write(code)
        return
    out = Console(highlight=False)
    out.rule(Text(f"Reference solution: {entry.full_id}", style="bold"))
    out.print(Syntax(code, "python", line_numbers=True, word_wrap=True))
    mine = Workspace.from_option(workspace).file(entry)
    if mine.is_file():
        diff = list(difflib.unified_diff(mine.read_text(encoding="utf-8", errors="replace").splitlines(), code.splitlines(),
                                         fromfile=f"yours: {display(mine)}", tofile="reference", lineterm=""))
        out.rule(Text("Your code against the reference", style="bold"))
        out.print(Syntax("\n".join(diff), "diff", word_wrap=True) if diff else Text("Identical."))


def reveal_solution(progress: Progress, full_id: str) -> None:
    """Mark `full_id`'s solution as revealed, unless it has passed (then seeing it is no reveal)."""
    entry = progress.exercise(full_id)
    if not entry.passed:
        entry.revealed = True


# ---- progress ---------------------------------------------------------------------------------


@click.command("progress")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print progress as JSON.")
@click.pass_context
def progress_command(ctx: click.Context, workspace: Path | None, as_json: bool) -> None:
    """Per lesson: run or not, exercises passed / total, hints used, solutions revealed."""
    registry = registry_of(ctx)
    console = Console(stderr=as_json, highlight=False)
    progress = load_progress(workspace, console)
    rows = []
    for lesson in registry.ordered():
        if lesson.broken:
            continue
        entries = catalog.exercises_of(registry, lesson)
        records = [progress.exercises.get(e.full_id) for e in entries]
        run = progress.lessons_run.get(lesson.id, {})
        rows.append({
            "lesson": lesson.id,
            "runs": int(run.get("runs", 0)),
            "exercises": len(entries),
            "passed": sum(1 for r in records if r and r.passed),
            "hints_used": sum(r.hints_used for r in records if r),
            "revealed": sum(1 for r in records if r and r.revealed),
            "minutes_left": sum(e.exercise.minutes for e, r in zip(entries, records) if not (r and r.passed)),
            "levels": {level: sum(1 for e in entries if e.exercise.level == level) for level in LEVELS},
            "exercise_details": {e.full_id: {"level": e.exercise.level, "minutes": e.exercise.minutes,
                                             **(vars(r) if r else {})} for e, r in zip(entries, records)},
        })
    if as_json:
        click.echo(json.dumps({"file": str(progress.path), "lessons": rows}, indent=2))
        return
    table = Table(title="Your progress", title_justify="left",
                  caption=Text(f"left: minutes of the exercises not passed yet; w/c/b: warm-up, core and build "
                               f"exercises. Kept in {progress.path}"))
    table.add_column("lesson", style="bold", no_wrap=True)
    for name in ("runs", "passed", "hints", "revealed", "left"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("w/c/b", justify="right", no_wrap=True)  # the caption says: warm-up / core / build
    for row in rows:
        passed = f"{row['passed']} / {row['exercises']}" if row["exercises"] else "-"
        left = f"~{row['minutes_left']} min" if row["minutes_left"] else "-"
        levels = " / ".join(str(row["levels"][level]) for level in LEVELS) if row["exercises"] else "-"
        table.add_row(Text(row["lesson"]), str(row["runs"]), passed, str(row["hints_used"]), str(row["revealed"]), left,
                      levels)
    console.print(table)


COMMANDS = (practice, check, next_command, hint, solution, progress_command)
