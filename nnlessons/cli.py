"""The `nnlessons` command: list, explain and run lessons.

Only click, rich and pluggy are imported here; torch is imported by `run`, after
the input has been checked.
"""

from __future__ import annotations

import json
import math
import sys
import traceback
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from nnlessons import __version__
from nnlessons.devices import check_syntax
from nnlessons.errors import LessonInputError
from nnlessons.invocation import registry_of
from nnlessons.lesson_info import LessonInfo, Option
from nnlessons.practice import commands as practice_commands
from nnlessons.practice import watch as practice_watch
from nnlessons.registry import Lesson


class NNLessonsGroup(click.Group):
    """Turns unexpected exceptions into one line (a traceback only with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort):
            raise
        except click.ClickException:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise click.ClickException(f"{type(exc).__name__}: {exc} (run 'nnlessons --debug ...' for the traceback)") from None


@click.group(cls=NNLessonsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="nnlessons")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """A command-line course in PyTorch fundamentals.

    \b
      nnlessons list                 the lessons
      nnlessons explain cnn-shapes   read a lesson
      nnlessons run cnn-shapes       run it (add --help for its options)
      nnlessons new my-lesson        start a lesson of your own
    """
    ctx.ensure_object(dict)["debug"] = debug


# ---- list ---------------------------------------------------------------------------------


def lesson_summary(lesson: Lesson) -> dict[str, Any]:
    if lesson.broken:
        return {"id": lesson.id, "broken": True, "error": lesson.error, "source": lesson.source}
    info = lesson.info
    return {
        "id": info.id,
        "title": info.title,
        "summary": info.summary,
        "concepts": list(info.concepts),
        "cpu_seconds": info.cpu_seconds,
        "needs_download": info.needs_download,
        "options": [option_spec(o) for o in info.options],
        "broken": False,
        "error": None,
        "source": lesson.source,
    }


def option_spec(option: Option) -> dict[str, Any]:
    """Everything an Option declares, for tools and editors (``list --json``); unset fields are null."""
    return {
        "name": option.name,
        "flag": option.flag,
        "type": option.type.__name__,
        "default": _plain(option.default),
        "help": option.help,
        "min": _plain(option.min),
        "max": _plain(option.max),
        "min_open": option.min_open,
        "max_open": option.max_open,
        "allow_nonfinite": option.allow_nonfinite,
        "choices": list(option.choices) if option.choices else None,
        "quick": _plain(option.quick),
        "envvar": option.envvar,
    }


def _plain(value: Any) -> Any:
    """A value JSON can hold: paths as text, and inf or nan as "inf", "-inf" or "nan" (JSON has no such numbers)."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _rough_time(seconds: float) -> str:
    return f"~{seconds:.0f} s" if seconds < 90 else f"~{seconds / 60:.0f} min"


#: Below this many columns `nnlessons list` prints one block per lesson: a table's columns would be too narrow to read.
LIST_TABLE_MIN_WIDTH = 120


def lessons_table(infos: list[LessonInfo]) -> Table:
    """One row per lesson; text wraps, and a word wider than its column folds rather than being cut."""
    table = Table(title="nnlessons", title_justify="left", show_lines=True)
    table.add_column("id", no_wrap=True, style="bold")
    table.add_column("title", ratio=2, overflow="fold")
    table.add_column("summary", ratio=4, overflow="fold")
    table.add_column("concepts", ratio=3, overflow="fold")
    table.add_column("CPU time", justify="right", no_wrap=True)
    table.add_column("download", no_wrap=True)
    for info in infos:
        table.add_row(info.id, info.title, info.summary, ", ".join(info.concepts), _rough_time(info.cpu_seconds),
                      "yes" if info.needs_download else "no")
    return table


def lesson_block(info: LessonInfo) -> Group:
    """A lesson for a narrow terminal: id and title, then summary, concepts, time and download indented under it."""
    indent = (0, 0, 0, 4)  # top, right, bottom, left
    details = [Text(info.summary), Text.assemble(("concepts: ", "dim"), ", ".join(info.concepts)),
               Text.assemble(("CPU time ", "dim"), _rough_time(info.cpu_seconds),
                             ("   download ", "dim"), "yes" if info.needs_download else "no")]
    return Group(Text.assemble((info.id, "bold"), "  ", info.title),
                 *(Padding(detail, indent) for detail in details), Text(""))


@cli.command("list")
@click.option("--json", "as_json", is_flag=True,
              help="Print the lessons as JSON, each option with its type, default, bounds (min, max, min_open, "
                   "max_open), choices, --quick value and environment variable.")
@click.pass_context
def list_lessons(ctx: click.Context, as_json: bool) -> None:
    """Show every installed lesson."""
    lessons = registry_of(ctx).ordered()
    if as_json:
        click.echo(json.dumps([lesson_summary(l) for l in lessons], indent=2))
        return
    infos = [lesson.info for lesson in lessons if not lesson.broken]
    console = Console()
    if console.width >= LIST_TABLE_MIN_WIDTH:
        console.print(lessons_table(infos))
    else:
        console.print(Text("nnlessons", style="italic"))
        for info in infos:
            console.print(lesson_block(info))
    for lesson in lessons:  # one full line each for a broken lesson: the error is what the user needs to read
        if lesson.broken:
            console.print(Text.assemble(("BROKEN", "red"), " ", (lesson.id, "bold"), f" ({lesson.source}): {lesson.error}"),
                          soft_wrap=True)
    if not lessons:
        console.print("No lessons installed. Lessons register under the entry-point group 'nnlessons.lessons'.")
    else:
        console.print("Read one with [bold]nnlessons explain ID[/], run it with [bold]nnlessons run ID[/].")


# ---- explain ------------------------------------------------------------------------------


@cli.command()
@click.argument("lesson_id")
@click.pass_context
def explain(ctx: click.Context, lesson_id: str) -> None:
    """Read a lesson: its text, then its options."""
    from rich.markdown import Markdown  # markdown-it is only needed here

    from nnlessons.terminal_math import math_blocks_as_text

    registry = registry_of(ctx)
    lesson = registry.runnable(lesson_id)
    console = Console()
    console.rule(Text.assemble((lesson.info.title, "bold"), f"  ({lesson.id})"))
    console.print(Markdown(math_blocks_as_text(registry.explain_text(lesson))))
    console.print()
    console.print(options_table(lesson))
    console.print(f"Common options: --device, --seed, --out, --overwrite, --quick, --json, --quiet, --threads.  "
                  f"Run it: nnlessons run {lesson.id}")
    from nnlessons.practice.catalog import exercises_of

    exercises = exercises_of(registry, lesson)
    if exercises:
        console.print(f"Practise it: nnlessons practice {lesson.id}  ({len(exercises)} exercises, checked against PyTorch)")


def options_table(lesson: Lesson) -> Table:
    table = Table(title=f"Options of {lesson.id}", title_justify="left")
    for name in ("option", "type", "default", "--quick", "allowed", "help"):
        table.add_column(name, overflow="fold")
    for o in lesson.info.options:
        quick = "" if o.quick is None else str(o.quick)
        table.add_row(*(Text(cell) for cell in (o.flag, o.type.__name__, str(o.default), quick, o.describe_range(), o.help)))
    return table


# ---- run ----------------------------------------------------------------------------------


class FiniteFloatRange(click.FloatRange):
    """A float option's type: within its bounds, and never nan or inf."""

    name = "float"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number; give a number such as 0.01.", param, ctx)
        return number


class NonEmptyPath(click.Path):
    """A path option that refuses the empty string (which would otherwise mean the current folder)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("is empty; give a folder path, or leave the option out for the default.", param, ctx)
        return super().convert(value, param, ctx)


class OptionalPath(click.Path):
    """A lesson's Path option: the empty string means 'not given', i.e. the option's default."""

    def __init__(self, empty: Any) -> None:
        super().__init__(path_type=Path)
        self.empty = empty

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            return self.empty
        return super().convert(value, param, ctx)


def _click_type(option: Option) -> click.ParamType | type:
    if option.choices:
        return click.Choice(option.choices)
    low = None if option.min is None else option.min
    high = None if option.max is None else option.max
    if option.type is int and (low is not None or high is not None):
        return click.IntRange(None if low is None else int(low), None if high is None else int(high),
                              min_open=option.min_open, max_open=option.max_open)
    if option.type is float:
        if option.allow_nonfinite:
            return click.FloatRange(low, high, min_open=option.min_open, max_open=option.max_open)
        return FiniteFloatRange(low, high, min_open=option.min_open, max_open=option.max_open)
    if option.type is Path:
        return OptionalPath(empty=option.default)
    return option.type


def lesson_option(option: Option) -> click.Option:
    """A lesson's declared Option as a real click option."""
    if option.type is bool:
        decls = [f"{option.flag}/--no-{option.flag[2:]}", option.name]
        return click.Option(decls, default=option.default, help=option.help, show_default=True, envvar=option.envvar)
    quick = "" if option.quick is None else f" (--quick: {option.quick})"
    return click.Option(
        [option.flag, option.name],
        type=_click_type(option),
        default=option.default,
        show_default=True,
        envvar=option.envvar,
        show_envvar=option.envvar is not None,
        help=option.help + quick,
    )


def _validate_device(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        return check_syntax(value)
    except LessonInputError as exc:
        raise click.BadParameter(exc.message) from None


COMMON_OPTIONS = [
    click.Option(["--device"], default="auto", show_default=True, callback=_validate_device,
                 help="auto | cpu | cuda | cuda:N | mps. auto picks cuda, then mps, then cpu."),
    click.Option(["--seed"], type=click.IntRange(0, 2**32 - 1), default=0, show_default=True, help="Random seed."),
    click.Option(["--out"], type=NonEmptyPath(path_type=Path), default=None,
                 help="Output folder, new or empty (default: ./nnlessons-runs/ID-TIMESTAMP)."),
    click.Option(["--overwrite"], is_flag=True,
                 help="Let --out name a folder holding an earlier nnlessons run, which is replaced as a whole."),
    click.Option(["--threads"], type=click.IntRange(1, 1024), default=None,
                 help="torch CPU threads (default: the lesson's choice, else torch's)."),
    click.Option(["--quick"], is_flag=True, help="The smallest run that still shows everything."),
    click.Option(["--json", "json_output"], is_flag=True, help="Print the run record as JSON on stdout; tables go to stderr."),
    click.Option(["--quiet"], is_flag=True, help="No progress bars."),
]


class RunGroup(click.Group):
    """`nnlessons run ID`: one sub-command per installed lesson, built from its LessonInfo."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [l.id for l in registry_of(ctx).ordered()]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        registry = registry_of(ctx)
        lesson = registry.lessons.get(name)
        if lesson is None:
            return None
        if lesson.broken:
            return click.Command(
                name,
                help=f"BROKEN: {lesson.error}",
                context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
                callback=lambda: registry.runnable(name),
            )
        info = lesson.info
        return click.Command(
            name,
            params=[*COMMON_OPTIONS, *(lesson_option(o) for o in info.options)],
            callback=click.pass_context(lambda c, **kw: run_command(c, name, **kw)),
            help=f"{info.title}: {info.summary}\n\nRead the lesson first with 'nnlessons explain {name}'.",
            short_help=info.summary,
        )

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        command = self.get_command(ctx, name)
        if command is None:
            raise click.UsageError(registry_of(ctx).unknown_message(name), ctx)
        return name, command, args[1:]


@cli.group(cls=RunGroup)
def run() -> None:
    """Run a lesson: tables in the terminal, plots and run.json in a folder."""


def run_command(ctx: click.Context, lesson_id: str, *, device: str, seed: int, out: Path | None, overwrite: bool,
                quick: bool, json_output: bool, quiet: bool, threads: int | None, **lesson_values: Any) -> None:
    from nnlessons.runner import RunRequest, make_console, print_json, resolve_params, run_lesson

    registry = registry_of(ctx)
    info = registry.runnable(lesson_id).info
    given = {
        name: value for name, value in lesson_values.items()
        if ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    }
    request = RunRequest(
        lesson_id=lesson_id, device=device, seed=seed, out=out, quick=quick,
        params=resolve_params(info, given, quick), quiet=quiet, json_output=json_output, threads=threads,
        overwrite=overwrite,
    )
    record = run_lesson(registry, request, make_console(json_output))
    if json_output:
        print_json(record)


# ---- new ----------------------------------------------------------------------------------


@cli.command()
@click.argument("lesson_id", metavar="ID")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=None,
              help="Folder to write the package to, new or empty (default: ./nnlessons-ID).")
@click.pass_context
def new(ctx: click.Context, lesson_id: str, folder: Path | None) -> None:
    """Start a lesson of your own: write a lesson package to install, run and edit.

    ID is the new lesson's id, e.g. my-lesson: lowercase letters, digits and
    single hyphens, starting with a letter.
    """
    from nnlessons import scaffold

    installed = {lesson.id: lesson.source for lesson in registry_of(ctx).lessons.values()}
    names, folder, _ = scaffold.create(lesson_id, folder, installed)
    scaffold.print_summary(Console(), names, folder)


# ---- docs ---------------------------------------------------------------------------------


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Serve on http://127.0.0.1:PORT/.")
@click.option("--build", "build_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Build the site into this folder (mkdocs build --strict) instead of serving it.")
@click.pass_context
def docs(ctx: click.Context, port: int, build_dir: Path | None) -> None:
    """Browse the docs site locally (mkdocs serve), or build it with --build DIR.

    Needs a source checkout installed with the docs extra: pip install -e '.[docs]'.
    """
    import shlex

    from nnlessons import docs_command

    config = docs_command.find_config()
    docs_command.check_mkdocs_installed()
    if build_dir is not None:
        ctx.exit(docs_command.build_site(config, build_dir))
    argv = docs_command.mkdocs_argv(config, port)
    click.echo(f"Running {shlex.join(argv)}", err=True)
    ctx.exit(docs_command.run_mkdocs(argv, cwd=config.parent))


# ---- practice: commands of their own, which import nothing of this module --------------------

for _command in (*practice_commands.COMMANDS, practice_watch.watch):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `nnlessons` script: exit 2 on bad input, 130 on Ctrl-C."""
    from nnlessons.closed_output import guard_standard_streams

    guard_standard_streams()  # `nnlessons run ID | head` must not kill the run
    try:
        code = cli.main(args=argv, prog_name="nnlessons", standalone_mode=False)
    except (click.Abort, KeyboardInterrupt):
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
