"""mkdocs hook: a page for every installed lesson, with the lesson's real output.

Lessons are found the way ``nnlessons list`` finds them, through the entry-point
group ``nnlessons.lessons``, so a newly installed lesson package gets its page
with no edit to the docs. While the site builds:

- ``on_config`` adds every lesson to the "Lessons" section of the nav (course
  order) and starts ``nnlessons run ID --quick --device cpu --seed 0`` for each
  lesson in a subprocess, two at a time;
- ``on_files`` generates ``lessons/<id>.md``: the title, the module docstring
  (rendered by mkdocstrings), the options table, the exercises, and the run's
  output step by step (lesson_runs.py): under one heading per step, that step's
  terminal output exported by rich as HTML (colours kept), then the plots it
  saved with their captions; last its ``run.json``. An MNIST lesson that stopped
  for want of the data gets a short note naming the plots that need it;
- ``on_page_markdown`` fills the placeholders of hand-written pages:
  ``<!-- nnlessons: lesson-table -->`` (all lessons, with links),
  ``<!-- nnlessons: terminal ARGS -->`` (the output of ``nnlessons ARGS``) and
  ``<!-- nnlessons: cli-reference -->`` (every command's ``--help``).

``NNLESSONS_DOCS_OUTPUTS`` chooses which lessons run while building: ``all``
(default), ``none``, or ids separated by commas (handy with ``mkdocs serve``
while writing one lesson). A lesson that stops with a usage error (exit 2, for
instance MNIST not cached and no network) shows what it printed up to there and
the reason; a lesson that crashes fails a ``--strict`` build. Paths never show the
build machine: lessons run in a temporary folder with relative paths, option
defaults under the home folder read ``~/...``.
"""

from __future__ import annotations

import html
import inspect
import logging
import os
import re
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import click
from lesson_runs import LessonRun, Plot, ansi_to_html, link_data_folder, run_for_docs, run_nnlessons
from mkdocs.structure.files import File, Files

from nnlessons.cli import cli
from nnlessons.lesson_info import Option
from nnlessons.registry import Lesson, LessonRegistry

log = logging.getLogger("mkdocs.hooks.lesson_pages")

HELP_COLUMNS = 80  # --help text in the CLI reference and the tour
PLOT_NAME = re.compile(r"`([\w.-]+\.png)`")  # a plot the lesson text names
PLACEHOLDER = re.compile(r"<!-- nnlessons: (lesson-table|cli-reference|terminal (.*?)) -->")


@dataclass
class BuildState:
    registry: LessonRegistry | None = None
    lessons: list[Lesson] = field(default_factory=list)
    runs: dict[str, Future] = field(default_factory=dict)
    workdir: tempfile.TemporaryDirectory | None = None
    pool: ThreadPoolExecutor | None = None


STATE = BuildState()


# ---- lesson runs ----------------------------------------------------------------------------


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


def heading_text(text: str) -> str:
    """A lesson's step title as Markdown heading text: shown literally, whatever characters it has."""
    # character references: a backslash escape would turn "(" into the start of inline math
    escaped = html.escape(text, quote=False)
    return re.sub(r"[\\`*_{}\[\]#!|$~^]", lambda m: f"&#{ord(m.group())};", escaped)


def home_relative(text: str) -> str:
    """A path under the user's home folder as ``~/...``: the build machine's home means nothing to a reader."""
    home = str(Path.home())
    return "~" + text[len(home):] if text == home or text.startswith(home + os.sep) else text


def shown_default(option: Option) -> str:
    """An option's default as a reader types it: ``""`` for the empty string, ``~/...`` under home."""
    if option.default == "":
        return '""'
    return home_relative(str(option.default))


def options_html(lesson: Lesson) -> str:
    """The options table, as HTML so that each cell is labelled (on a phone each row becomes a small card)."""
    options = lesson.info.options
    if not options:
        return "This lesson has only the options every lesson has (see the [CLI reference](../cli.md)).\n"
    rows = [(f"<code>{html.escape(o.flag)}</code>", f"<code>{o.type.__name__}</code>",
             f"<code>{html.escape(shown_default(o))}</code>",
             "" if o.quick is None else f"<code>{html.escape(str(o.quick))}</code>",
             html.escape(o.help + (f" Allowed: {o.describe_range()}." if o.describe_range() else "")))
            for o in options]
    table = cards_table("nnl-options", ("option", "type", "default", "<code>--quick</code>", "help"), rows)
    common = ("Every lesson also takes `--device`, `--seed`, `--out`, `--overwrite`, `--quick`, `--json`, `--quiet` and "
              "`--threads` (see the [CLI reference](../cli.md)).")
    return table + "\n" + common + "\n"


def plot_html(lesson: Lesson, plot: Plot) -> str:
    """A plot with its caption; alt text is the caption, and a click opens it full size (glightbox)."""
    src = f"{lesson.id}/output/{plot.path.name}"
    caption = plot.caption or plot.path.stem.replace("_", " ")
    described = f": {html.escape(plot.caption)}" if plot.caption else ""
    return (f'<figure class="nnl-plot">\n<img src="{src}" alt="{html.escape(caption)}" loading="lazy">\n'
            f"<figcaption><code>{html.escape(plot.path.name)}</code>{described}</figcaption>\n</figure>\n")


def missing_data_note(lesson: Lesson, run: LessonRun) -> str:
    """What a page built without MNIST says, where its text describes plots the run could not make."""
    made = {plot.path.name for plot in run.plots}
    missing = [name for name in dict.fromkeys(PLOT_NAME.findall(inspect.getdoc(lesson.plugin) or "")) if name not in made]
    plots = f" The plots {', '.join(f'`{name}`' for name in missing)} need the data, so they are not on this page." if missing else ""
    return (f'!!! note "This page was built without MNIST"\n'
            f"    The output below stops after the steps that run on digits the lesson draws itself.{plots} "
            f"Run `nnlessons run {lesson.id}` to see them: it downloads MNIST once (about 11 MB), or reads "
            f"it from `--data-dir`.\n")


def stopped_early(lesson: Lesson, run: LessonRun) -> bool:
    """An MNIST lesson that stopped with a usage error: the build machine had no MNIST."""
    return lesson.info.needs_download and run.exit_code == 2


def output_markdown(lesson: Lesson, run: LessonRun | None) -> str:
    """The run, step by step: each step's heading (in the table of contents), its output, then its plots."""
    if run is None:
        return (f'!!! note "Not run for this build"\n    This build skipped the lesson runs '
                f"(`NNLESSONS_DOCS_OUTPUTS`). Run it yourself: `nnlessons run {lesson.id} --quick`.\n")
    parts = [f"Output of `{run.command}`, captured while this page was built, one block per step.\n"]
    for step in run.steps:
        parts += [f"### {heading_text(step.title)}\n", step.terminal_html, ""]
        parts += [plot_html(lesson, plot) for plot in step.plots]
    if stopped_early(lesson, run):
        parts.append('!!! note "The run stopped here: this page was built without MNIST"\n'
                     "    See the note at the top of the page.\n")
    elif run.exit_code != 0:
        reason = run.error or (run.stderr.splitlines()[-1] if run.stderr else f"exit code {run.exit_code}")
        parts.append(f'!!! warning "The run stopped here on the machine that built this site"\n'
                     f"    {html.escape(reason.removeprefix('Error: '))}\n\n"
                     f"    On your machine: `nnlessons run {lesson.id}`.\n")
    if run.run_json:
        body = "\n".join("    " + line for line in run.run_json.rstrip().splitlines())
        parts.append(f'??? info "run.json of this run (in its output folder, `{lesson.id}`)"\n    ```json\n{body}\n    ```\n')
    return "\n".join(parts)


def indent(text: str, spaces: int = 4) -> str:
    return "\n".join((" " * spaces + line) if line.strip() else "" for line in text.splitlines())


def literal_markdown(text: str) -> str:
    """Text shown as written: Markdown's marks escaped (``*``, ``_``, ``[``...), `code` spans kept."""
    def escaped(prose: str) -> str:
        prose = html.escape(prose, quote=False)
        prose = re.sub(r"([\\*_\[\]#|])", r"\\\1", prose)
        return prose.replace("$", "&#36;")  # a $ pair would start inline math

    parts = re.split(r"(`[^`\n]+`)", text)  # odd items are code spans
    return "".join(part if i % 2 else escaped(part) for i, part in enumerate(parts))


def hint_markdown(number: int, hint: str) -> str:
    """One hint: a sentence as text, several lines (code) as a code block with its lines kept."""
    if "\n" in hint.strip():
        return f"**Hint {number}.**\n\n```text\n{hint.strip()}\n```\n"
    return f"**Hint {number}.** {literal_markdown(hint.strip())}\n"


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
    from nnlessons.testing.mutants import read_record

    for number, entry in enumerate(entries, start=1):
        exercise = entry.exercise
        hints = "\n".join(hint_markdown(i, h) for i, h in enumerate(exercise.hints, start=1))
        measured = read_record(exercise).get(exercise.id)
        figure = (f"    Its check rejects {measured['caught']} of {measured['total']} mutants of the reference solution "
                  f"(small wrong versions of it: an operator swapped, `mean` for `sum`, a `zero_grad()` left out).\n\n"
                  if measured else "")
        parts.append(f'??? question "{number}. {cell(exercise.title)} ({exercise.level}, about {exercise.minutes} min; '
                     f'`{entry.full_id}`, file `{exercise.file_name}`)"\n'
                     f"    ```text\n{indent(exercise.task())}\n    ```\n\n{figure}"
                     f'    ??? tip "Hints ({len(exercise.hints)})"\n{indent(hints, 8)}\n')
    return "\n".join(parts) + "\n"


def lesson_text(lesson: Lesson) -> str:
    """The lesson's text: its module docstring through mkdocstrings, else the explain hook's Markdown."""
    if inspect.ismodule(lesson.plugin) and STATE.registry.call(lesson, "nnlessons_explain") is None:
        # heading_level 1: the docstring's "## Section" becomes an <h2>, level with the page's own sections
        return (f"::: {lesson.plugin.__name__}\n    options:\n      members: false\n      show_root_heading: false\n"
                "      heading_level: 1\n")
    return STATE.registry.explain_text(lesson)


def lesson_page(lesson: Lesson, run: LessonRun | None) -> str:
    info = lesson.info
    note = missing_data_note(lesson, run) if run is not None and stopped_early(lesson, run) else ""
    return f"""# {info.title}

```bash
# this page, in your terminal
nnlessons explain {info.id}
# its options
nnlessons run {info.id} --help
# run it
nnlessons run {info.id}
```

{note}
{lesson_text(lesson)}
## Options

{options_html(lesson)}
{exercises_markdown(lesson)}## Output of a quick run

{output_markdown(lesson, run)}"""


def cards_table(css_class: str, heads: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """An HTML table whose cells are labelled with their column: on a phone each row becomes a card (nnlessons.css)."""
    head = "".join(f"<th>{h}</th>" for h in heads)
    body = "\n".join("<tr>" + "".join(f'<td data-label="{html.escape(re.sub("<[^>]+>", "", h))}">{c}</td>'
                                       for h, c in zip(heads, row)) + "</tr>" for row in rows)
    return f'<table class="nnl-cards {css_class}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n'


def lesson_table() -> str:
    """Every lesson with a link to its page (raw HTML: the offline build's links end in .html)."""
    rows = []
    for number, lesson in enumerate(STATE.lessons, start=1):
        info = lesson.info
        download = " + MNIST download" if info.needs_download else ""
        rows.append((str(number), f'<a href="lessons/{info.id}.html">{html.escape(info.title)}</a><br><code>{info.id}</code>',
                     html.escape(info.summary), html.escape(", ".join(info.concepts)), f"~{info.cpu_seconds:g} s{download}"))
    broken = [l for l in STATE.registry.lessons.values() if l.broken] if STATE.registry else []
    for lesson in broken:
        rows.append(("", f"<code>{html.escape(lesson.id)}</code> (broken)", html.escape(lesson.error), "", ""))
    return cards_table("nnl-lessons", ("#", "lesson", "what you will see", "concepts", "default run"), rows)


def help_block(command: click.Command, path: list[str], parent: click.Context | None) -> tuple[str, click.Context]:
    context = click.Context(command, info_name=path[-1], parent=parent, terminal_width=HELP_COLUMNS,
                            max_content_width=HELP_COLUMNS, obj={"registry": STATE.registry})
    return f"```text\n{home_relative_paths(command.get_help(context))}\n```\n", context


def home_relative_paths(text: str) -> str:
    """Every path under the build machine's home folder as ``~/...`` (defaults in --help)."""
    return text.replace(str(Path.home()) + os.sep, "~" + os.sep)


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
    link_data_folder(STATE.workdir.name)
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
            for plot in run.plots:
                files.append(File.generated(config, f"lessons/{lesson.id}/output/{plot.path.name}", abs_src_path=str(plot.path)))
        files.append(File.generated(config, f"lessons/{lesson.id}.md", content=lesson_page(lesson, run)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    def fill(match: re.Match) -> str:
        if match.group(1) == "lesson-table":
            return lesson_table()
        if match.group(1) == "cli-reference":
            return cli_reference()
        args = match.group(2).split()
        result = run_nnlessons(args, STATE.workdir.name, HELP_COLUMNS)
        if result.returncode != 0:
            log.warning("`nnlessons %s` failed while building %s: %s", " ".join(args), page.file.src_uri, result.stderr)
        output = home_relative_paths(result.stdout)
        return f"```console\n$ nnlessons {' '.join(args)}\n```\n\n" + ansi_to_html(output, HELP_COLUMNS)

    return PLACEHOLDER.sub(fill, markdown)


def on_post_build(config) -> None:
    if STATE.pool is not None:
        STATE.pool.shutdown()
    if STATE.workdir is not None:
        STATE.workdir.cleanup()
