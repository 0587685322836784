"""`ctx.table`: per-column number formats, no-wrap text columns, and numbers passed as strings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import torch
from rich.console import Console

from nnlessons.run_context import Params, RunContext, markup


def rendered(width: int, columns, rows, **options) -> str:
    text = io.StringIO()
    ctx = RunContext(lesson_id="table", device=torch.device("cpu"), seed=0, out_dir=Path("."), params=Params({}),
                     console=Console(width=width, file=text))
    ctx.table("A table", columns, rows, **options)
    return text.getvalue()


def row_with(output: str, fragment: str) -> str:
    return next(line for line in output.splitlines() if fragment in line)


def cells(line: str) -> list[str]:
    """The cells of a table line, with their padding (between the borders)."""
    return line.strip()[1:-1].replace("┃", "│").split("│")


def test_formats_set_a_columns_precision():
    output = rendered(80, ["step", "loss", "lr"], [(1000, 0.123456789, 0.05), (2000, 0.0001234567, 0.005)],
                      formats={"loss": ".3g", "lr": ".0e"})
    assert "0.123 " in output and "0.000123 " in output and "0.123457" not in output
    assert "5e-02" in output and "5e-03" in output
    assert "1,000" in output  # other columns keep format_number
    assert cells(row_with(output, "1,000"))[1].endswith(" 0.123 ")  # still right-aligned
    assert cells(row_with(output, "1,000"))[1].startswith("  ")


def test_formats_apply_to_the_footer_too():
    output = rendered(80, ["what", "loss"], [("a", 0.123456)], footer=["total", 0.987654], formats={"loss": ".2f"})
    assert "0.12" in output and "0.99" in output and "0.987654" not in output


@pytest.mark.parametrize(("options", "message"), [
    ({"formats": {"los": ".3g"}}, "formats/nowrap name no column: ['los']"),
    ({"nowrap": ["nme"]}, "formats/nowrap name no column: ['nme']"),
    ({"formats": {"loss": ",d"}}, "format ',d' does not apply to 0.5"),
])
def test_a_mistake_in_formats_or_nowrap_is_a_clear_error(options, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        rendered(80, ["name", "loss"], [("a", 0.5)], **options)


def test_numbers_passed_as_strings_are_right_aligned():
    output = rendered(80, ["what", "count", "share", "tiny"],
                      [("a", "1,234", "12.5%", "1e-05"), ("b", "5", "-3%", "-inf"), ("c", "", "0.5%", "nan")])
    line = cells(row_with(output, " b "))
    assert line[1] == "     5 " and line[2] == "   -3% " and line[3] == "  -inf "
    assert cells(row_with(output, " a "))[0] == " a    "  # text stays left-aligned


def test_a_styled_number_counts_as_a_number():
    output = rendered(80, ["what", "accuracy"], [("a", markup("[green]{}", "99.5%")), ("b", "7%")])
    assert cells(row_with(output, " b "))[1] == "       7% "


def test_a_column_mixing_text_and_numbers_is_left_aligned_but_keeps_numbers_whole():
    numbers = ["1234567.891", "-0.000123456789"]
    output = rendered(30, ["note", "value"], [("first, a long note that wraps", numbers[0]), ("second", "n/a"),
                                              ("third", numbers[1])])
    assert cells(row_with(output, " second "))[1].startswith(" n/a")
    for number in numbers:
        assert number in output, output


@pytest.mark.parametrize("width", [40, 50, 60, 66, 80])  # rich used to fold these strings at 50 to 66
def test_numbers_passed_as_strings_are_never_cut(width):
    numbers = ["5.10612345e-07", "1,234,567,890,123", "-98765.4321%"]
    rows = [("a label long enough to wrap in a narrow terminal, and then some more", *numbers),
            ("second", "1", "2", "3")]
    output = rendered(width, ["what", "small", "big", "percent"], rows)
    assert "…" not in output
    for number in numbers:
        assert number in output, output
    assert max(len(line) for line in output.splitlines()) <= width


def test_nowrap_keeps_a_text_column_on_one_line():
    name = "rmsprop-with-momentum-0.9"
    rows = [(name, "a long explanation that can wrap over as many lines as it needs to, it is only prose " * 2)]
    wrapped = rendered(45, ["optimizer", "notes"], rows)
    assert name not in wrapped  # rich would fold the id to make room for the prose
    whole = rendered(45, ["optimizer", "notes"], rows, nowrap=["optimizer"])
    assert name in whole and "…" not in whole
    assert max(len(line) for line in whole.splitlines()) <= 45


@pytest.mark.parametrize(("columns", "rows", "options"), [
    (["x", "notes"], [(1234567890123456789012345, "a b c")], {}),
    (["optimizer", "notes"], [("rmsprop-with-momentum-0.9", "a b c")], {"nowrap": ["optimizer"]}),
])
def test_a_cell_wider_than_the_terminal_folds_instead_of_being_cropped(columns, rows, options):
    output = rendered(20, columns, rows, **options)
    for line in output.splitlines():
        assert len(line) <= 20
        if line.startswith(("│", "┌", "└")):
            assert line.rstrip()[-1] in "│┐┘", f"cropped: {line!r}"
    values = "".join(cells(line)[1].strip() for line in output.splitlines() if line.startswith("│"))
    whole = format(rows[0][0], ",") if isinstance(rows[0][0], int) else rows[0][0]
    assert whole in values  # folded, all there
