"""Narrow terminals: tables, headings and `nnlessons list` wrap or change layout, and never cut a word or number."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from rich.console import Console

from nnlessons.cli import LIST_TABLE_MIN_WIDTH, cli
from nnlessons.registry import LessonRegistry
from nnlessons.run_context import Params, RunContext, format_number

WIDTHS = (40, 80)
COLUMNS = ["what", "an integer", "a small float", "microseconds per image", "a big float"]
ROWS = [
    ("first row, with a label long enough to wrap", 1_234_567_890_123, 0.000123456789, -9.87654321e-12, 123456.789),
    ("second", 42, 3.14159265358979, 2.5e30, -0.000999999),
]
FOOTER = ["total", 1_234_567_890_165, 3.1417, 2.5e30, 123456.788]
BOX_LEFT, BOX_RIGHT = "│┃┏┡└├┌", "│┃┓┩┘┤┐"


def words(text: str) -> str:
    """The text with every run of whitespace made one space: wrapping a line changes only whitespace."""
    return " ".join(text.split())


def rendered_table(width: int, rows=ROWS, footer=FOOTER) -> str:
    text = io.StringIO()
    ctx = RunContext(lesson_id="narrow", device=torch.device("cpu"), seed=0, out_dir=Path("."), params=Params({}),
                     console=Console(width=width, file=text))
    ctx.table("Wide numbers", COLUMNS, rows, footer=footer, caption="every number must appear whole")
    return text.getvalue()


def assert_nothing_cropped(output: str, width: int) -> None:
    """No "…", no line wider than the terminal, and every table line ends with its border (nothing cropped)."""
    assert "…" not in output
    for line in output.splitlines():
        assert len(line) <= width, line
        stripped = line.rstrip()
        if stripped and stripped[0] in BOX_LEFT:
            assert stripped[-1] in BOX_RIGHT, f"cropped: {line!r}"


@pytest.mark.parametrize("width", WIDTHS)
def test_table_prints_every_number_whole(width: int) -> None:
    output = rendered_table(width)
    assert_nothing_cropped(output, width)
    for value in [v for row in ROWS for v in row[1:]] + FOOTER[1:]:
        assert format_number(value) in output, (format_number(value), output)
    tokens = set(output.replace("│", " ").replace("┃", " ").split())
    assert set(" ".join([ROWS[0][0], *COLUMNS, FOOTER[0]]).split()) <= tokens  # text wraps between words


def test_table_that_fits_is_one_line_per_row() -> None:
    output = rendered_table(140)
    row = next(line for line in output.splitlines() if line.startswith("│ second "))
    assert all(format_number(v) in row for v in ROWS[1][1:])  # a wide terminal keeps the usual layout


def test_table_too_narrow_for_its_numbers_prints_a_block_per_row() -> None:
    output = rendered_table(40)
    lines = output.splitlines()
    assert sum("an integer" in line for line in lines) == len(ROWS) + 1  # rows and footer, one block each
    assert any("1,234,567,890,123" in line and "an integer" in line for line in lines)


@pytest.mark.parametrize("width", [30, 40])
def test_long_heading_is_printed_whole(width: int) -> None:
    text = io.StringIO()
    ctx = RunContext(lesson_id="narrow", device=torch.device("cpu"), seed=0, out_dir=Path("."), params=Params({}),
                     console=Console(width=width, file=text))
    heading = "3. The hand-written loops on random inputs, PyTorch as the judge"
    ctx.heading(heading)
    ctx.heading("Summary")
    assert "…" not in text.getvalue()
    assert heading in words(text.getvalue()) and "Summary" in text.getvalue()


def installed_infos():
    return [lesson.info for lesson in LessonRegistry.from_entry_points().ordered() if not lesson.broken]


@pytest.mark.parametrize("columns", [40, 80, LIST_TABLE_MIN_WIDTH])
def test_list_reads_fully_at_any_width(columns: int) -> None:
    result = CliRunner().invoke(cli, ["list"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    assert_nothing_cropped(result.output, columns)
    infos = installed_infos()
    assert infos
    text = words(result.output)
    for info in infos:
        if columns < LIST_TABLE_MIN_WIDTH:  # one block per lesson: each text reads on, line after line
            assert words(info.title) in text and words(info.summary) in text
            assert words(", ".join(info.concepts)) in text
        else:  # a table: each word whole in its cell
            cells = set(text.replace("│", " ").split())
            assert set((info.title + " " + info.summary + " " + ", ".join(info.concepts)).split()) <= cells, info.id
        assert info.id in result.output


def test_narrow_list_puts_id_and_title_on_one_line() -> None:
    result = CliRunner().invoke(cli, ["list"], env={"COLUMNS": "80"})
    for info in installed_infos():
        assert any(line.startswith(f"{info.id}  {info.title[:20]}") for line in result.output.splitlines()), info.id
