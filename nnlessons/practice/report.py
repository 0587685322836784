"""Show check results to the learner: one rich panel per exercise, every text shown literally."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from nnlessons.practice.checker import CheckResult

STYLE = {"passed": "green", "failed": "red", "error": "red", "timeout": "red", "todo": "yellow",
         "missing": "yellow", "broken": "magenta"}
LABEL = {"passed": "passed", "failed": "not yet", "error": "error in your code", "timeout": "stopped: too slow",
         "todo": "not implemented yet", "missing": "no file", "broken": "broken check"}


def panel(result: CheckResult, display_file: str) -> Panel:
    parts: list[RenderableType] = [Text(result.message, style="bold")]
    if result.mistake:
        parts.append(Text.assemble(("Likely mistake: ", "bold yellow"), result.mistake))
    if result.case:
        parts.append(Text.assemble(("Case: ", "bold"), result.case))
    if result.details:
        table = Table(show_header=False, box=None, padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column(overflow="fold")
        for label, value in result.details.items():
            table.add_row(Text(label), Text(value))
        parts.append(table)
    if result.traceback:
        parts.append(Text(result.traceback, style="red"))
    if result.output:
        parts.append(Text.assemble(("Your code printed:\n", "dim"), result.output))
    parts.append(Text(next_step(result), style="dim"))
    # the verdict first: a narrow terminal cuts a panel's title from the right, never the word that matters
    title = Text.assemble((LABEL[result.status], f"bold {STYLE[result.status]}"), "  ", (f"{result.exercise}", "bold"),
                          f"  {result.title}")
    return Panel(Group(*parts), title=title, title_align="left", border_style=STYLE[result.status],
                 subtitle=Text(display_file), subtitle_align="left")


def next_step(result: CheckResult) -> str:
    if result.passed:
        return f"Compare with the reference: nnlessons solution {result.exercise}"
    if result.status == "missing":
        return f"Write the exercise files: nnlessons practice {result.exercise.split('/')[0]}"
    return f"Edit the file and check again; stuck? nnlessons hint {result.exercise}"
