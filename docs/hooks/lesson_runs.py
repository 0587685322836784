"""Run a lesson for the docs site and split what it printed into its steps (used by lesson_pages.py).

A lesson runs as ``nnlessons run ID --quick --device cpu --seed 0 --quiet --out ID`` with its
working folder in the build's temporary folder, so every path it prints or records is relative by
construction: the output folder is ``ID``, and MNIST is read through ``mnist-data``, a link in that
folder to the real data folder (``NNLESSONS_DATA_DIR``, else the user's cache folder).

``NNLESSONS_STEP_MARKERS=1`` makes the run print ``<<nnlessons-step N>>`` before each step's heading
(each ``ctx.heading``); run.json's ``steps`` name each step and the files it saved, and its
``captions`` hold what each plot shows. The page then shows every step under its own heading, its
terminal output, and right after it the plots it saved.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.style import Style
from rich.terminal_theme import MONOKAI
from rich.text import Span, Text

from nnlessons.mnist import DATA_DIR_ENVVAR, default_data_dir
from nnlessons.run_context import STEP_MARKER_PREFIX, STEP_MARKERS_ENVVAR

TERMINAL_COLUMNS = 88  # lesson runs: fits the page's text column
DATA_LINK = "mnist-data"  # the link, in the build's temporary folder, to the folder MNIST is read from
STEP_MARKER = re.compile(rf"^(?:\x1b\[[0-9;]*m)*{re.escape(STEP_MARKER_PREFIX)}(\d+)>>(?:\x1b\[[0-9;]*m)*$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# rich exports "dim" text (table captions, notes) as its colour half blended into the background, too
# faint on the dark block; the page shows it in this grey instead (contrast 6:1 on the background)
DIM_GREY = "#a8a8a0"


@dataclass
class Plot:
    """One PNG a run saved: where it is on disk, and the caption the lesson gave it (run.json's "captions")."""

    path: Path
    caption: str | None = None


@dataclass
class Step:
    """One step of a run: the lesson's heading, what it printed until the next one, the plots it saved."""

    title: str
    terminal_html: str
    plots: list[Plot] = field(default_factory=list)


@dataclass
class LessonRun:
    """What ``nnlessons run ID --quick`` left behind during the build, split into its steps.

    ``steps[0]`` is what the run printed before the lesson's first heading (its settings), with
    the title ``Run settings``.
    """

    command: str
    exit_code: int
    steps: list[Step]
    stderr: str
    error: str | None = None
    run_json: str | None = None

    @property
    def plots(self) -> list[Plot]:
        return [plot for step in self.steps for plot in step.plots]


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
    console.print(undimmed(Text.from_ansi(ansi.strip("\n"))), soft_wrap=True)
    return console.export_html(theme=MONOKAI, inline_styles=True,
                               code_format='<pre class="nnl-terminal"><code>{code}</code></pre>')


def undimmed(text: Text) -> Text:
    """`text` with every dim span in a readable grey (its own colour kept, only no longer blended)."""
    for i, span in enumerate(text.spans):
        style = span.style if isinstance(span.style, Style) else Style.parse(span.style)
        if style.dim:
            text.spans[i] = Span(span.start, span.end, style + Style(dim=False, color=style.color or DIM_GREY))
    return text


def run_nnlessons(args: list[str], cwd: str, columns: int = TERMINAL_COLUMNS,
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nnlessons", *args], cwd=cwd, env={**terminal_env(columns), **(env or {})},
                          capture_output=True, text=True, timeout=900)


def scrub_paths(text: str, workdir: str) -> str:
    """Belt and braces: the build folder as ``.`` and the home folder as ``~``, should a path slip through."""
    for folder in {workdir, os.path.realpath(workdir)}:
        text = text.replace(folder + os.sep, "").replace(folder, ".")
    return text.replace(str(Path.home()) + os.sep, "~" + os.sep)


# ---- lesson runs ----------------------------------------------------------------------------


def link_data_folder(workdir: str) -> None:
    """``workdir/mnist-data`` -> the folder MNIST is read from (made if missing, as a download would)."""
    target = Path(os.environ.get(DATA_DIR_ENVVAR) or default_data_dir()).expanduser().resolve()
    target.mkdir(parents=True, exist_ok=True)
    link = Path(workdir) / DATA_LINK
    if not link.is_symlink():
        link.symlink_to(target, target_is_directory=True)


def run_for_docs(lesson_id: str, workdir: str) -> LessonRun:
    args = ["run", lesson_id, "--quick", "--device", "cpu", "--seed", "0", "--quiet", "--out", lesson_id]
    result = run_nnlessons(args, workdir, env={STEP_MARKERS_ENVVAR: "1", DATA_DIR_ENVVAR: DATA_LINK})
    out = Path(workdir) / lesson_id
    record = read_record(out)
    stdout = scrub_paths(result.stdout, workdir)
    return LessonRun(
        command=f"nnlessons run {lesson_id} --quick --device cpu --seed 0",
        exit_code=result.returncode,
        steps=split_steps(stdout, record, out),
        stderr=scrub_paths(result.stderr.strip(), workdir),
        error=scrub_paths(record["error"], workdir) if record.get("error") else None,
        run_json=scrub_paths((out / "run.json").read_text(), workdir) if record else None,
    )


def read_record(out: Path) -> dict:
    try:
        return json.loads((out / "run.json").read_text())
    except (OSError, ValueError):
        return {}


def split_steps(stdout: str, record: dict, out: Path) -> list[Step]:
    """The run's output cut at its step markers; each step with its title and plots from run.json."""
    chunks: list[list[str]] = [[]]
    for line in stdout.splitlines():
        if STEP_MARKER.match(line):
            chunks.append([])
        else:
            chunks[-1].append(line)
    titles = [step.get("title", "") for step in record.get("steps", [])]
    captions = record.get("captions", {})
    step_files = [step.get("artifacts", []) for step in record.get("steps", [])]
    in_steps = {name for names in step_files for name in names}
    # plots saved before the first heading go with the settings; any the record does not place, at the end
    before_first = [a for a in record.get("artifacts", []) if a not in in_steps]
    steps = []
    for number, lines in enumerate(chunks):
        title = "Run settings" if number == 0 else (titles[number - 1] if number <= len(titles) else f"Step {number}")
        names = before_first if number == 0 else (step_files[number - 1] if number <= len(step_files) else [])
        if number:
            lines = without_heading(lines, title)
        plots = [Plot(out / name, captions.get(name)) for name in names if name.endswith(".png") and (out / name).is_file()]
        steps.append(Step(title, ansi_to_html("\n".join(lines)), plots))
    listed = {plot.path for step in steps for plot in step.plots}
    unlisted = sorted((p for p in out.rglob("*.png") if p not in listed), key=lambda p: p.stat().st_mtime_ns) if out.is_dir() else []
    steps[-1].plots += [Plot(p) for p in unlisted]
    return steps


def without_heading(lines: list[str], title: str) -> list[str]:
    """The step's lines without the lesson's heading rule: the page shows the title as a heading.

    ``ctx.heading`` prints one rule with the title in it, or, for a title too long for the terminal,
    a plain rule and then the title (wrapped); only lines that are that rule and title are dropped.
    """
    plain = [ANSI.sub("", line).strip() for line in lines]
    if plain and title in plain[0]:
        return lines[1:]
    if plain and plain[0] and set(plain[0]) == {"─"}:
        words, taken = title.split(), 1
        while taken < len(plain) and words and " ".join(words[: len(plain[taken].split())]) == plain[taken]:
            words = words[len(plain[taken].split()):]
            taken += 1
        if not words:
            return lines[taken:]
    return lines
