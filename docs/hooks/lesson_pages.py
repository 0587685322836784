"""mkdocs hook: a page for every installed lesson, with the lesson's real output.

Lessons are found the way ``nnlessons list`` finds them, through the entry-point
group ``nnlessons.lessons``, so a newly installed lesson package gets its page
with no edit to the docs. While the site builds:

- ``on_config`` adds every lesson to the "Lessons" section of the nav (course
  order) and starts ``nnlessons run ID --quick --device cpu --seed 0`` for each
  lesson in a subprocess, two at a time;
- ``on_files`` generates ``lessons/<id>.md``: the title, the module docstring
  (rendered by mkdocstrings), the options table, and the run's output: the
  terminal output exported by rich as HTML (colours kept), every PNG the run
  saved, and its ``run.json``;
- ``on_page_markdown`` fills the placeholders of hand-written pages:
  ``<!-- nnlessons: lesson-table -->`` (all lessons, with links),
  ``<!-- nnlessons: terminal ARGS -->`` (the output of ``nnlessons ARGS``) and
  ``<!-- nnlessons: cli-reference -->`` (every command's ``--help``).

``NNLESSONS_DOCS_OUTPUTS`` chooses which lessons run while building: ``all``
(default), ``none``, or ids separated by commas (handy with ``mkdocs serve``
while writing one lesson). A lesson that stops with a usage error (exit 2, for
instance MNIST not cached and no network) shows what it printed up to there and
the reason; a lesson that crashes fails a ``--strict`` build.
"""

from __future__ import annotations

import html
import inspect
import io
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import click
from mkdocs.structure.files import File, Files
from rich.console import Console
from rich.terminal_theme import MONOKAI
from rich.text import Text

from nnlessons.cli import cli
from nnlessons.registry import Lesson, LessonRegistry

log = logging.getLogger("mkdocs.hooks.lesson_pages")

TERMINAL_COLUMNS = 88  # lesson runs: fits the page's text column
HELP_COLUMNS = 80  # --help text in the CLI reference
WIDE_COLUMNS = 120  # the tour's `nnlessons list` table reads better wide (the block scrolls sideways)
PLACEHOLDER = re.compile(r"<!-- nnlessons: (lesson-table|cli-reference|terminal (.*?)) -->")


@dataclass
class LessonRun:
    """What ``nnlessons run ID --quick`` left behind during the build."""

    command: str
    exit_code: int
    terminal_html: str
    stderr: str
    pngs: list[Path] = field(default_factory=list)
    run_json: str | None = None


@dataclass
class BuildState:
    registry: LessonRegistry | None = None
    lessons: list[Lesson] = field(default_factory=list)
    runs: dict[str, Future] = field(default_factory=dict)
    workdir: tempfile.TemporaryDirectory | None = None
    pool: ThreadPoolExecutor | None = None


STATE = BuildState()


# ---- the terminal, as HTML ------------------------------------------------------------------


def terminal_env(columns: int) -> dict[str, str]:
    """Colours on, progress bars off (``--quiet``), a fixed width: the same output every build."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TTY_INTERACTIVE")}
    env.update(FORCE_COLOR="1", COLUMNS=str(columns), LINES="50", TERM="xterm-256color", PYTHONHASHSEED="0")
    return env


def ansi_to_html(ansi: str, columns: int = TERMINAL_COLUMNS) -> str:
    """Terminal output with ANSI colours -> a ``<pre>`` block with inline colours."""
    console = Console(record=True, file=io.StringIO(), width=columns + 20,
                      force_terminal=True, color_system="truecolor")
    console.print(Text.from_ansi(ansi.rstrip("\n")), soft_wrap=True)
    return console.export_html(theme=MONOKAI, inline_styles=True,
                               code_format='<pre class="nnl-terminal"><code>{code}</code></pre>')


def run_nnlessons(args: list[str], cwd: str, columns: int = TERMINAL_COLUMNS) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nnlessons", *args], cwd=cwd, env=terminal_env(columns),
                          capture_output=True, text=True, timeout=900)


# ---- lesson runs ----------------------------------------------------------------------------


def run_for_docs(lesson_id: str, workdir: str) -> LessonRun:
    out = Path(workdir) / lesson_id
    args = ["run", lesson_id, "--quick", "--device", "cpu", "--seed", "0", "--quiet", "--out", str(out)]
    result = run_nnlessons(args, workdir)
    run_json = out / "run.json"
    return LessonRun(
        command=f"nnlessons run {lesson_id} --quick --device cpu --seed 0",
        exit_code=result.returncode,
        terminal_html=ansi_to_html(result.stdout),
        stderr=result.stderr.strip(),
        pngs=saved_pngs(out),
        run_json=run_json.read_text() if run_json.exists() else None,
    )


def saved_pngs(out: Path) -> list[Path]:
    """The plots of a run, in the order the lesson saved them (run.json's artifacts, else file times)."""
    if not out.exists():
        return []
    on_disk = sorted(out.rglob("*.png"), key=lambda p: p.stat().st_mtime_ns)
    try:
        artifacts = [Path(a) for a in json.loads((out / "run.json").read_text())["artifacts"]]
    except (OSError, ValueError, KeyError):
        return on_disk
    listed = [p if p.is_absolute() else out / p for p in artifacts if p.suffix == ".png"]
    return [p for p in listed if p.exists()] + [p for p in on_disk if p not in listed]


def lessons_to_run(lessons: list[Lesson]) -> list[str]:
    wanted = os.environ.get("NNLESSONS_DOCS_OUTPUTS", "all").strip()
    ids = [lesson.id for lesson in lessons]
    if wanted == "all":
        return ids
    if wanted == "none":
        return []
    chosen = [part.strip() for part in wanted.split(",") if part.strip()]
    return [i for i in ids if i in chosen]


# ---- generated markdown ---------------------------------------------------------------------


def cell(text: object) -> str:
    """Text for a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def options_markdown(lesson: Lesson) -> str:
    options = lesson.info.options
    if not options:
        return "This lesson has only the options every lesson has (see the [CLI reference](../cli.md)).\n"
    rows = ["| option | type | default | `--quick` | help |", "| --- | --- | ---: | ---: | --- |"]
    for o in options:
        quick = "" if o.quick is None else f"`{o.quick}`"
        allowed = f" Allowed: {o.describe_range()}." if o.describe_range() else ""
        rows.append(f"| `{o.flag}` | `{o.type.__name__}` | `{o.default}` | {quick} | {cell(o.help)}{cell(allowed)} |")
    common = ("Every lesson also takes `--device`, `--seed`, `--out`, `--quick`, `--json`, `--quiet` and "
              "`--threads` (see the [CLI reference](../cli.md)).")
    return "\n".join(rows) + "\n\n" + common + "\n"


def output_markdown(lesson: Lesson, run: LessonRun | None) -> str:
    if run is None:
        return (f'!!! note "Not run for this build"\n    This build skipped the lesson runs '
                f"(`NNLESSONS_DOCS_OUTPUTS`). Run it yourself: `nnlessons run {lesson.id} --quick`.\n")
    parts = [f"Output of `{run.command}`, captured while this page was built:\n", run.terminal_html, ""]
    if run.exit_code != 0:
        reason = run.stderr.splitlines()[-1] if run.stderr else f"exit code {run.exit_code}"
        parts.append(f'!!! warning "The run stopped here on the machine that built this site"\n'
                     f"    {html.escape(reason)}\n\n"
                     f"    On your machine: `nnlessons run {lesson.id}`.\n")
    for png in run.pngs:
        src = f"{lesson.id}/output/{png.name}"
        parts.append(f"[![{png.stem.replace('_', ' ')}]({src}){{ loading=lazy }}]({src} \"{png.name}: open full size\")\n")
    if run.run_json:
        body = "\n".join("    " + line for line in run.run_json.rstrip().splitlines())
        parts.append(f'??? info "run.json of this run"\n    ```json\n{body}\n    ```\n')
    return "\n".join(parts)


def indent(text: str, spaces: int = 4) -> str:
    return "\n".join((" " * spaces + line) if line.strip() else "" for line in text.splitlines())


def exercises_markdown(lesson: Lesson) -> str:
    """Each exercise's task and hints, folded; never its solution (that opens only after a pass)."""
    from nnlessons.practice import catalog

    entries = catalog.exercises_of(STATE.registry, lesson)
    if not entries:
        return ""
    parts = [
        "## Exercises\n",
        f"Practise what this lesson teaches: `nnlessons practice {lesson.id}` writes these files into "
        f"`./nnlessons-practice/{lesson.id}/`; `nnlessons check` compares your code with PyTorch, "
        "`nnlessons hint EXERCISE` gives hints one at a time, and `nnlessons solution EXERCISE` shows the "
        "reference once your code passes.\n",
    ]
    for number, entry in enumerate(entries, start=1):
        exercise = entry.exercise
        hints = "\n".join(f"{i}. {cell(h)}" for i, h in enumerate(exercise.hints, start=1))
        parts.append(f'??? question "{number}. {cell(exercise.title)} (`{entry.full_id}`, file `{exercise.file_name}`)"\n'
                     f"    ```text\n{indent(exercise.task())}\n    ```\n\n"
                     f'    ??? tip "Hints ({len(exercise.hints)})"\n{indent(hints, 8)}\n')
    return "\n".join(parts) + "\n"


def lesson_text(lesson: Lesson) -> str:
    """The lesson's text: its module docstring through mkdocstrings, else the explain hook's Markdown."""
    if inspect.ismodule(lesson.plugin) and STATE.registry.call(lesson, "nnlessons_explain") is None:
        return f"::: {lesson.plugin.__name__}\n    options:\n      members: false\n      show_root_heading: false\n"
    return STATE.registry.explain_text(lesson)


def lesson_page(lesson: Lesson, run: LessonRun | None) -> str:
    info = lesson.info
    return f"""# {info.title}

```bash
nnlessons explain {info.id}       # this page, in your terminal
nnlessons run {info.id} --help    # its options
nnlessons run {info.id}           # run it
```

{lesson_text(lesson)}
## Options

{options_markdown(lesson)}
{exercises_markdown(lesson)}## Output of a quick run

{output_markdown(lesson, run)}"""


def lesson_table() -> str:
    rows = ["| # | lesson | what you will see | concepts | default run |", "| ---: | --- | --- | --- | ---: |"]
    for number, lesson in enumerate(STATE.lessons, start=1):
        info = lesson.info
        download = " + MNIST download" if info.needs_download else ""
        rows.append(f"| {number} | [{cell(info.title)}](lessons/{info.id}.md)<br>`{info.id}` | {cell(info.summary)} "
                    f"| {cell(', '.join(info.concepts))} | ~{info.cpu_seconds:g} s{download} |")
    broken = [l for l in STATE.registry.lessons.values() if l.broken] if STATE.registry else []
    for lesson in broken:
        rows.append(f"| | `{lesson.id}` (broken) | {cell(lesson.error)} | | |")
    return "\n".join(rows) + "\n"


def help_block(command: click.Command, path: list[str], parent: click.Context | None) -> tuple[str, click.Context]:
    context = click.Context(command, info_name=path[-1], parent=parent, terminal_width=HELP_COLUMNS,
                            max_content_width=HELP_COLUMNS, obj={"registry": STATE.registry})
    return f"```text\n{command.get_help(context)}\n```\n", context


def cli_reference() -> str:
    """Every command's own --help, as click prints it: the CLI reference cannot go stale."""
    root_help, root = help_block(cli, ["nnlessons"], None)
    parts = ["## nnlessons\n", root_help]
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        text, context = help_block(command, ["nnlessons", name], root)
        parts += [f"## nnlessons {name}\n", text]
        if isinstance(command, click.Group):
            for sub in command.list_commands(context):
                sub_text, _ = help_block(command.get_command(context, sub), ["nnlessons", name, sub], context)
                parts += [f"### nnlessons {name} {sub}\n", sub_text]
    return "\n".join(parts)


# ---- mkdocs events --------------------------------------------------------------------------


def on_config(config):
    # README snippets are found from the repository root, wherever mkdocs was started
    config["mdx_configs"]["pymdownx.snippets"]["base_path"] = [str(Path(config["config_file_path"]).parent)]
    STATE.registry = LessonRegistry.from_entry_points()
    STATE.lessons = [lesson for lesson in STATE.registry.ordered() if not lesson.broken]
    for lesson in STATE.registry.ordered():
        if lesson.broken:
            log.warning("lesson plugin %s is broken and gets no page: %s", lesson.id, lesson.error)
    for section in config["nav"]:
        if isinstance(section, dict) and "Lessons" in section:
            section["Lessons"] = [{lesson.info.title: f"lessons/{lesson.id}.md"} for lesson in STATE.lessons]
    STATE.workdir = tempfile.TemporaryDirectory(prefix="nnlessons-docs-")
    STATE.pool = ThreadPoolExecutor(max_workers=2)
    STATE.runs = {i: STATE.pool.submit(run_for_docs, i, STATE.workdir.name) for i in lessons_to_run(STATE.lessons)}
    return config


def on_files(files: Files, config) -> Files:
    for lesson in STATE.lessons:
        run = STATE.runs[lesson.id].result() if lesson.id in STATE.runs else None
        if run is not None:
            if run.exit_code == 2:
                log.info("lesson %s stopped early while building the docs: %s", lesson.id, run.stderr)
            elif run.exit_code != 0:
                log.warning("lesson %s failed while building the docs (exit %s): %s", lesson.id, run.exit_code, run.stderr)
            for png in run.pngs:
                files.append(File.generated(config, f"lessons/{lesson.id}/output/{png.name}", abs_src_path=str(png)))
        files.append(File.generated(config, f"lessons/{lesson.id}.md", content=lesson_page(lesson, run)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    def fill(match: re.Match) -> str:
        if match.group(1) == "lesson-table":
            return lesson_table()
        if match.group(1) == "cli-reference":
            return cli_reference()
        args = match.group(2).split()
        result = run_nnlessons(args, STATE.workdir.name, WIDE_COLUMNS)
        if result.returncode != 0:
            log.warning("`nnlessons %s` failed while building %s: %s", " ".join(args), page.file.src_uri, result.stderr)
        return f"```console\n$ nnlessons {' '.join(args)}\n```\n\n" + ansi_to_html(result.stdout, WIDE_COLUMNS)

    return PLACEHOLDER.sub(fill, markdown)


def on_post_build(config) -> None:
    if STATE.pool is not None:
        STATE.pool.shutdown()
    if STATE.workdir is not None:
        STATE.workdir.cleanup()
