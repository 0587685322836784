"""nnlessons.csv_input: every bad file is one bounded sentence, in the reader and in each lesson that reads a CSV.

A lesson checks its --csv in its nnlessons_check_params hook, so a bad file stops the run
with exit code 2 before the output folder is made: no folder, no run.json.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from nnlessons import LessonInputError
from nnlessons.cli import cli
from nnlessons.csv_input import EXCERPT_CHARS, MAX_LINE_BYTES, given_path, read_csv
from nnlessons.registry import LessonRegistry
from nnlessons.run_context import Params

EXPECT = "a CSV with a header x1,x2,label"
MAX_MESSAGE = 300
HUGE_LINE_BYTES = 50 * 2**20  # a 50 MB line: far beyond MAX_LINE_BYTES


def read_named(path: Path):
    return read_csv(path, columns=("x1", "x2", "label"), expect=EXPECT)


def message_of(path: Path, reader: Callable[[Path], object] = read_named) -> str:
    with pytest.raises(LessonInputError) as caught:
        reader(path)
    message = caught.value.format_message()
    assert len(message) < MAX_MESSAGE, message
    assert "\n" not in message and "\r" not in message
    return message


def write(tmp_path: Path, content: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# ---- what the reader accepts ------------------------------------------------------------------


def test_named_columns_are_picked_in_the_asked_order_and_others_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufefflabel, x2 ,x1,note\n0,1.5,2,anything at all\n\n1,-1e-3,-2.5,x\n")  # BOM, spaces, blank line
    table = read_named(path)
    assert table.names == ("x1", "x2", "label") and table.has_header
    assert table.rows == ((2.0, 1.5, 0.0), (-2.5, -0.001, 1.0))
    assert table.line_numbers == (2, 4)
    assert table.column("label") == [0.0, 1.0]


def test_optional_header_is_detected_from_non_numbers(tmp_path: Path) -> None:
    with_header = read_csv(write(tmp_path, "a,b\n1,2\n"), header=None, expect=EXPECT)
    without = read_csv(write(tmp_path, "1,2\n3,4\n", "plain.csv"), header=None, expect=EXPECT)
    assert with_header.names == ("a", "b") and with_header.rows == ((1.0, 2.0),)
    assert without.names == ("1", "2") and without.rows == ((1.0, 2.0), (3.0, 4.0)) and not without.has_header


def test_text_columns_stay_text(tmp_path: Path) -> None:
    table = read_csv(write(tmp_path, "day,week\n1, Mon \n"), columns=("week", "day"), text_columns=("week",), expect=EXPECT)
    assert table.rows == (("Mon", 1.0),)


def test_largest_float32_values_are_accepted(tmp_path: Path) -> None:
    table = read_named(write(tmp_path, "x1,x2,label\n3.4e38,-3.4e38,0\n"))
    assert table.rows == ((3.4e38, -3.4e38, 0.0),)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_path_given_means_generated_data(value: str | None) -> None:
    assert given_path(value) is None


def test_a_given_path_has_its_home_expanded() -> None:
    assert given_path("~/points.csv") == Path.home() / "points.csv"
    assert given_path(Path("a[v2].csv")) == Path("a[v2].csv")


# ---- every bad file: one bounded sentence -----------------------------------------------------

BAD_CONTENTS = [
    ("x1,x2,label\n1e39,2,0\n", "Line 2, column 'x1' of .* holds '1e39', which is not a finite number in float32's range"),
    ("x1,x2,label\n1,-1e39,0\n", "holds '-1e39', which is not a finite number in float32's range"),
    ("x1,x2,label\n1,inf,0\n", "holds 'inf', which is not a finite number"),
    ("x1,x2,label\n1,-Infinity,0\n", "holds '-Infinity', which is not a finite number"),
    ("x1,x2,label\nnan,2,0\n", "holds 'nan', which is not a finite number"),
    ("x1,x2,label\n1,abc,0\n", "Line 2, column 'x2' of .* holds 'abc', which is not a number"),
    ("x1,x2,label\n1,,0\n", "Line 2, column 'x2' of .* is empty"),
    ("", "is empty; --csv needs a CSV"),
    ("\n\n  \n", "has no data rows, only blank lines"),
    ("x1,x2,label\n", "has a header but no data rows"),
    ("x1,x2,label\n1,2,0\n1,2\n", "Line 3 of .* has 2 cells but the header has 3"),
    ("x1,x2,label\n1,2,0,9\n", "Line 2 of .* has 4 cells but the header has 3"),
    ("x,y,label\n1,2,0\n", r"lacks the column\(s\) x1, x2 \(its first line has 'x', 'y', 'label'\)"),
    ("x1,x1,x2,label\n1,1,2,0\n", "names the column x1 more than once"),
    ("x1,x2,label\n" + '"' + "y" * 200_000 + '",1,0\n', "Line 2 of .* has a field over 131,072 characters .* looks wrong"),
    ("x1,x2,label\n1,2,0\n".encode() + "café,1,0\n".encode("latin-1"), r"Line 3 of .* is not UTF-8 text \(byte 0xe9 at position 4\)"),
    (bytes(range(128, 256)), "Line 1 of .* is not UTF-8 text"),
]


@pytest.mark.parametrize(("content", "pattern"), BAD_CONTENTS)
def test_bad_file_is_one_bounded_sentence(tmp_path: Path, content: str | bytes, pattern: str) -> None:
    message = message_of(write(tmp_path, content))
    assert re.search(pattern, message), message
    assert message.endswith(f"{EXPECT}.") or message.endswith(f"{EXPECT}).")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "does not exist" in message_of(tmp_path / "absent.csv")
    assert f"'{tmp_path}' is a folder, not a file" in message_of(tmp_path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "x1,x2,label\n1,2,0\n")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    assert "Cannot read" in message_of(path) and "(Permission denied)" in message_of(path)


def test_min_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "x1,x2,label\n1,2,0\n")
    message = message_of(path, lambda p: read_csv(p, columns=("x1",), min_rows=2, expect=EXPECT))
    assert "has 1 data row(s); the lesson needs at least 2" in message


def test_a_huge_line_is_refused_after_reading_at_most_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, b"x" * HUGE_LINE_BYTES + b"\n1,2,0\n")
    handles = []
    real_open = Path.open

    def counting_open(self: Path, *args: object, **kwargs: object) -> CountingReader:
        handles.append(CountingReader(real_open(self, *args, **kwargs)))
        return handles[-1]

    monkeypatch.setattr(Path, "open", counting_open)
    message = message_of(path)
    assert "Line 1 of" in message and "is longer than 1 MiB" in message and "looks wrong" in message
    assert f"(it starts '{'x' * (EXCERPT_CHARS - 1)}…')" in message
    assert handles[0].bytes_read <= MAX_LINE_BYTES + 1


class CountingReader:
    """A binary file that counts the bytes handed out."""

    def __init__(self, handle: io.BufferedReader) -> None:
        self.handle = handle
        self.bytes_read = 0

    def readline(self, size: int = -1) -> bytes:
        line = self.handle.readline(size)
        self.bytes_read += len(line)
        return line

    def __enter__(self) -> CountingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def test_messages_quote_only_a_short_excerpt(tmp_path: Path) -> None:
    long_cell = "q" * 10_000
    message = message_of(write(tmp_path, f"x1,x2,label\n1,{long_cell},0\n"))
    assert "q" * EXCERPT_CHARS not in message and f"'{'q' * (EXCERPT_CHARS - 1)}…'" in message
    wide_header = ",".join("column_" + "w" * 500 + str(i) for i in range(1000))
    message = message_of(write(tmp_path, wide_header + "\n" + ",".join("1" * 1000) + "\n", "wide.csv"))
    assert "lacks the column(s) x1, x2, label" in message and "more);" in message


def test_a_very_long_path_is_shortened_in_the_middle(tmp_path: Path) -> None:
    folder = tmp_path / ("d" * 200) / ("e" * 200)
    message = message_of(folder / "missing.csv")
    assert "missing.csv' does not exist" in message and "…" in message


# ---- the three lessons that read a CSV: the same refusal through the CLI -------------------------

WEATHER_HEADER = "year,month,day,week,temp_2,temp_1,average,actual,friend"
WEATHER_ROWS = [f"2016,1,{d},{('Mon', 'Tues', 'Wed', 'Thurs', 'Fri', 'Sat', 'Sun')[d % 7]},45,46,47.5,48,50"
                for d in range(1, 26)]
POINTS_HEADER = "x1,x2,label"
POINTS_ROWS = [f"{(-1) ** i * 2.5},{(-1) ** i * 1.5},{i % 2}" for i in range(24)]
#: lesson id: (header, data rows, index of a numeric column to spoil)
LESSON_FILES = {
    "manual-grad": (WEATHER_HEADER, WEATHER_ROWS, 4),
    "classification": (POINTS_HEADER, POINTS_ROWS, 1),
    "dataset-dataloader": (POINTS_HEADER, POINTS_ROWS, 1),
}


def spoiled(lesson: str, value: str) -> str:
    """The lesson's good file with one numeric cell of the second data row replaced by `value`."""
    header, rows, column = LESSON_FILES[lesson]
    cells = rows[1].split(",")
    cells[column] = value
    return "\n".join([header, rows[0], ",".join(cells), *rows[2:]]) + "\n"


def good(lesson: str) -> str:
    header, rows, _ = LESSON_FILES[lesson]
    return "\n".join([header, *rows]) + "\n"


#: case: (makes the --csv path inside a folder, for a lesson; what the message says)
CLI_CASES: dict[str, tuple[Callable[[Path, str], Path], str]] = {
    "1e39": (lambda d, lesson: write(d, spoiled(lesson, "1e39")), "holds '1e39', which is not a finite number in float32's range"),
    "inf": (lambda d, lesson: write(d, spoiled(lesson, "inf")), "holds 'inf', which is not a finite number"),
    "nan": (lambda d, lesson: write(d, spoiled(lesson, "nan")), "holds 'nan', which is not a finite number"),
    "long field": (lambda d, lesson: write(d, spoiled(lesson, '"' + "9" * 200_000 + '"')), "has a field over 131,072 characters"),
    "50 MB header": (lambda d, lesson: write(d, b"h" * HUGE_LINE_BYTES + b"\n" + good(lesson).encode()), "is longer than 1 MiB"),
    "folder": (lambda d, lesson: d, "is a folder, not a file"),
    "missing": (lambda d, lesson: d / "absent.csv", "does not exist"),
    "latin-1": (lambda d, lesson: write(d, spoiled(lesson, "caf\u00e9").encode("latin-1")), "is not UTF-8 text"),
    "empty": (lambda d, lesson: write(d, ""), "is empty"),
    "column count": (lambda d, lesson: write(d, spoiled(lesson, "1,2")), "cells but the"),
    "column names": (lambda d, lesson: write(d, good(lesson).replace("x2", "y", 1).replace("temp_1", "t1", 1)),
                     "lacks the column(s)"),
    "non-numeric": (lambda d, lesson: write(d, spoiled(lesson, "warm")), "holds 'warm', which is not a number"),
}
#: dataset-dataloader reads any header (or none): its columns have no names to get wrong
NOT_APPLICABLE = {("dataset-dataloader", "column names")}


@pytest.mark.parametrize(("lesson", "case"), [(lesson, case) for lesson in LESSON_FILES for case in CLI_CASES
                                              if (lesson, case) not in NOT_APPLICABLE])
def test_each_lesson_refuses_each_bad_csv_before_making_its_folder(tmp_path: Path, lesson: str, case: str) -> None:
    make, says = CLI_CASES[case]
    data = tmp_path / "data"
    data.mkdir()
    path = make(data, lesson)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", lesson, "--quick", "--device", "cpu", "--out", str(out), "--csv", str(path)])
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert len(result.output.strip().splitlines()) == 1 and len(result.output) < MAX_MESSAGE + 20, result.output
    assert "Traceback" not in result.output
    assert not out.exists()  # refused in the check hook: no folder, so no run.json either


@pytest.mark.parametrize("lesson", list(LESSON_FILES))
def test_each_lesson_accepts_its_good_file_and_blank_means_generated(tmp_path: Path, lesson: str) -> None:
    registry = LessonRegistry.from_entry_points()
    entry = registry.runnable(lesson)
    params = {option.name: option.default for option in entry.info.options}
    for given in ("", "  ", str(write(tmp_path, good(lesson)))):
        registry.call(entry, "nnlessons_check_params", params=Params({**params, "csv": given}))
    assert "empty or left out" in entry.info.option("csv").help
